// `sweep-torch`: every command, LibTorch and MPI included; `sweep` hands it the commands that
// train or look at models (sweep/offline/torch_binary.h). Parses the command line, finds the
// command in the table and runs it, inside an MPI session when it needs one; maps exceptions
// to exit codes. Wiring only.
#include <iostream>

#include "core/errors.h"
#include "sweep/cli/cli.h"
#include "sweep/commands/command_table.h"
#include "sweep/mpi/session.h"
#include "sweep/mpi/signals.h"

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
  try {
    const sweep::CommandEntry& command = sweep::command_entry(cmd.kind);
    if (!command.needs_mpi()) {
      sweep::unblock_stop_signals();  // the default actions: Ctrl-C ends the command
      return command.plain(cmd);
    }
    // Before MPI_Init: a stop signal forwarded by mpirun or sent by the scheduler must never
    // kill a rank, however early it comes.
    sweep::StopSignals signals;
    sweep::MpiSession mpi(&argc, &argv);
    try {
      return command.with_mpi(cmd, {mpi, signals});
    } catch (const std::exception& e) {
      int code = report(e);
      if (mpi.size() > 1) mpi.abort(code);  // the other ranks may be waiting on this one
      return code;
    }
  } catch (const std::exception& e) {
    return report(e);
  }
}
