#include <iostream>

#include "core/errors.h"
#include "core/version.h"
#include "sweep/offline/offline_commands.h"

namespace sweep {

int help_command(const CliCommand& cmd) {
  std::cout << cmd.help;
  return kExitOk;
}

int version_command(const CliCommand&) {
  std::cout << "sweep " << kVersion << "\n";
  return kExitOk;
}

OfflineCommand offline_command(CliCommand::Kind kind) {
  using Kind = CliCommand::Kind;
  switch (kind) {
    case Kind::kHelp:
      return help_command;
    case Kind::kVersion:
      return version_command;
    case Kind::kRank:
      return rank_command;
    case Kind::kMerge:
      return merge_command;
    case Kind::kExport:
      return export_command;
    case Kind::kReport:
      return report_command;
    case Kind::kStatus:
      return status_command;
    default:
      return nullptr;
  }
}

}  // namespace sweep
