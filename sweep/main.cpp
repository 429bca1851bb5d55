// `sweep`: the program users type. Runs the commands that only read results files (rank,
// export, report, merge, status, --help, --version) itself, without LibTorch or MPI, so that they
// start at once; hands every other command to sweep-torch in the same process. Wiring only.
#include <iostream>

#include "core/errors.h"
#include "sweep/cli/cli.h"
#include "sweep/offline/offline_commands.h"
#include "sweep/offline/torch_binary.h"

int main(int argc, char** argv) {
  sweep::CliCommand cmd;
  try {
    cmd = sweep::parse_cli(argc, argv);
  } catch (const sweep::UsageError& e) {
    std::cerr << "sweep: error: " << e.what() << "\n\n" << sweep::usage_text();
    return sweep::kExitBadInput;
  }
  try {
    const sweep::OfflineCommand command = sweep::offline_command(cmd.kind);
    if (command == nullptr) sweep::exec_torch_binary(argv);
    return command(cmd);
  } catch (const std::exception& e) {
    std::cerr << "sweep: error: " << e.what() << "\n";
    return sweep::exit_code_of(e);
  }
}
