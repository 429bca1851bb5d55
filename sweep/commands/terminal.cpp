#include "sweep/commands/terminal.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace sweep {
namespace {

std::size_t columns_of(int fd) {
  winsize w{};
  return ioctl(fd, TIOCGWINSZ, &w) == 0 ? w.ws_col : 0;
}

// The terminal that `link` (a /proc/PID/fd/N entry) points to, if it is one.
TerminalInfo terminal_behind(const std::string& link) {
  char target[256];
  const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return {};
  target[n] = '\0';
  const std::string path = target;
  if (path.rfind("/dev/pts/", 0) != 0 && path.rfind("/dev/tty", 0) != 0) return {};
  TerminalInfo t;
  t.is_terminal = true;
  const int fd = open(path.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK);
  if (fd >= 0) {
    t.columns = columns_of(fd);
    close(fd);
  }
  return t;
}

}  // namespace

TerminalInfo stdout_terminal() {
  if (!isatty(STDOUT_FILENO)) return {};
  if (std::getenv("OMPI_COMM_WORLD_RANK") != nullptr) {
    return terminal_behind("/proc/" + std::to_string(getppid()) + "/fd/1");
  }
  return {true, columns_of(STDOUT_FILENO)};
}

}  // namespace sweep
