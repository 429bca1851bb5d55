// The hand-over from `sweep` to `sweep-torch`: the commands that train or look at models (run,
// plan, prepare, predict) need LibTorch and MPI, which `sweep` itself never loads.
#pragma once

#include <string>

namespace sweep {

// The name of the binary that holds every command, LibTorch and MPI included.
inline constexpr const char* kTorchBinaryName = "sweep-torch";

// kTorchBinaryName in the folder of the running binary (/proc/self/exe). Throws
// std::runtime_error when the running binary's path cannot be read.
std::string torch_binary_path();

// Replaces this process with torch_binary_path() run with `argv` (argv[0] kept as typed): the
// same process id, environment, open files and ignored signals, so that under
// mpirun each rank simply becomes sweep-torch. Returns only on failure, by throwing
// std::runtime_error naming the path and why.
[[noreturn]] void exec_torch_binary(char** argv);

}  // namespace sweep
