#include "sweep/commands/command_table.h"

#include <stdexcept>

#include "core/errors.h"
#include "sweep/commands/commands.h"

namespace sweep {
namespace {

int run_with_mpi(const CliCommand& cmd, const MpiContext& ctx) {
  return run_command(cmd, ctx.mpi, ctx.signals);
}

int prepare_with_mpi(const CliCommand& cmd, const MpiContext& ctx) {
  return prepare_command(cmd, ctx.mpi);
}

}  // namespace

const std::vector<CommandEntry>& command_table() {
  using Kind = CliCommand::Kind;
  static const std::vector<CommandEntry> table = {
      {Kind::kHelp, "--help", help_command, nullptr},
      {Kind::kVersion, "--version", version_command, nullptr},
      {Kind::kRun, "run", nullptr, run_with_mpi},
      {Kind::kPlan, "plan", plan_command, nullptr},
      {Kind::kStatus, "status", status_command, nullptr},
      {Kind::kRank, "rank", rank_command, nullptr},
      {Kind::kMerge, "merge", merge_command, nullptr},
      {Kind::kExport, "export", export_command, nullptr},
      {Kind::kReport, "report", report_command, nullptr},
      {Kind::kPrepare, "prepare", nullptr, prepare_with_mpi},
      {Kind::kPredict, "predict", predict_command, nullptr},
  };
  return table;
}

const CommandEntry& command_entry(CliCommand::Kind kind) {
  for (const CommandEntry& e : command_table()) {
    if (e.kind == kind) return e;
  }
  throw std::logic_error("no command in the table for kind " +
                         std::to_string(static_cast<int>(kind)));
}

}  // namespace sweep
