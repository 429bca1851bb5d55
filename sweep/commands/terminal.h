// Whether what rank 0 prints reaches a terminal (for the progress display), seen through
// mpirun: Open MPI gives each rank a pseudo-terminal as stdout whatever mpirun's own stdout
// is, so under mpirun the answer is taken from mpirun's stdout instead.
#pragma once

#include <cstddef>

namespace sweep {

struct TerminalInfo {
  bool is_terminal = false;
  std::size_t columns = 0;  // 0 when unknown
};

// Describes this process's stdout, or under Open MPI (OMPI_COMM_WORLD_RANK set) the stdout of
// the parent process (mpirun or orted) through /proc. Never throws: anything it cannot read
// counts as "not a terminal".
TerminalInfo stdout_terminal();

}  // namespace sweep
