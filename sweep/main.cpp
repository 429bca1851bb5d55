// `sweep`: wires the command line to the commands and maps exceptions to exit codes.
#include <iostream>

#include "core/errors.h"
#include "core/version.h"
#include "sweep/commands/cli.h"
#include "sweep/commands/commands.h"

namespace {

int report(const std::exception& e) {
  std::cerr << "sweep: error: " << e.what() << "\n";
  return sweep::exit_code_of(e);
}

}  // namespace

int main(int argc, char** argv) {
  sweep::CliCommand cmd;
  try {
    cmd = sweep::parse_cli(argc, argv);
  } catch (const sweep::UsageError& e) {
    std::cerr << "sweep: error: " << e.what() << "\n\n" << sweep::usage_text();
    return sweep::kExitBadInput;
  }
  using Kind = sweep::CliCommand::Kind;
  switch (cmd.kind) {
    case Kind::kHelp:
      std::cout << cmd.help;
      return sweep::kExitOk;
    case Kind::kVersion:
      std::cout << "sweep " << sweep::kVersion << "\n";
      return sweep::kExitOk;
    case Kind::kPlan:
    case Kind::kRank:
    case Kind::kMerge:
    case Kind::kStatus:
    case Kind::kExport:
    case Kind::kReport:
    case Kind::kPredict:
      try {
        if (cmd.kind == Kind::kPredict) return sweep::predict_command(cmd);
        if (cmd.kind == Kind::kReport) return sweep::report_command(cmd);
        if (cmd.kind == Kind::kMerge) return sweep::merge_command(cmd);
        if (cmd.kind == Kind::kExport) return sweep::export_command(cmd);
        if (cmd.kind == Kind::kStatus) return sweep::status_command(cmd);
        return cmd.kind == Kind::kPlan ? sweep::plan_command(cmd) : sweep::rank_command(cmd);
      } catch (const std::exception& e) {
        return report(e);
      }
    case Kind::kRun:
    case Kind::kPrepare:
      break;
  }
  try {
    // Before MPI_Init: a stop signal forwarded by mpirun or sent by the scheduler must never
    // kill a rank, however early it comes.
    sweep::StopSignals signals;
    sweep::MpiSession mpi(&argc, &argv);
    try {
      if (cmd.kind == Kind::kPrepare) return sweep::prepare_command(cmd, mpi);
      return sweep::run_command(cmd, mpi, signals);
    } catch (const std::exception& e) {
      int code = report(e);
      if (mpi.size() > 1) mpi.abort(code);  // the other ranks may be waiting on this one
      return code;
    }
  } catch (const std::exception& e) {
    return report(e);
  }
}
