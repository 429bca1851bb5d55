#include "sweep/offline/torch_binary.h"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace sweep {

std::string torch_binary_path() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the sweep binary's folder: " + ec.message());
  return (self.parent_path() / kTorchBinaryName).string();
}

void exec_torch_binary(char** argv) {
  const std::string path = torch_binary_path();
  // argv[0] stays what the user typed, so that `ps`, `pgrep -f "sweep run"` and job monitors
  // still see `sweep run ...` on every rank.
  // The stop signals stay blocked across the exec (a blocked signal stays pending through it):
  // one that comes while sweep-torch loads LibTorch, before its handlers exist, would otherwise
  // kill the rank; sweep-torch unblocks them once its handlers are in (StopSignals).
  sigset_t stop, previous;
  sigemptyset(&stop);
  for (int sig : {SIGINT, SIGTERM, SIGUSR1}) sigaddset(&stop, sig);
  sigprocmask(SIG_BLOCK, &stop, &previous);
  execv(path.c_str(), argv);
  sigprocmask(SIG_SETMASK, &previous, nullptr);
  throw std::runtime_error("cannot start " + path + ": " + std::strerror(errno) +
                           " (it is built beside sweep by `cmake --build BUILD --target sweep_bin`;"
                           " keep the two binaries in one folder)");
}

}  // namespace sweep
