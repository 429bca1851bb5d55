#include "sweep/mpi/layout.h"

#include <algorithm>

namespace sweep {

int threads_per_worker(const NodeFacts& f, int requested) {
  if (requested > 0) return requested;
  const int workers = std::max(1, f.local_ranks - (f.coordinator_here ? 1 : 0));
  return std::max(1, std::min(f.cores / workers, f.own_cores));
}

std::string describe_layout(int cores, int ranks, int threads) {
  const std::string node = "layout (this node: " + std::to_string(cores) + " cores): ";
  const std::string recommended = "mpirun -np " + std::to_string(cores + 1) +
                                  " (rank 0 coordinates; " + std::to_string(cores) +
                                  " single-thread trials at once, the most samples/s in total)";
  if (ranks <= 0) {
    const int alone = threads_per_worker({cores, cores, 1, false, 0}, threads);
    return node + "alone, sweep run trains one trial at a time with " + std::to_string(alone) +
           " thread(s); recommended: " + recommended;
  }
  if (ranks == 1) return describe_layout(cores, 0, threads);
  const int workers = ranks - 1;
  const int t = threads_per_worker({cores, cores, ranks, true, 0}, threads);
  std::string s = node + std::to_string(ranks) + " ranks: rank 0 coordinates, " +
                  std::to_string(workers) + " worker(s) x " + std::to_string(t) + " thread(s)";
  const int used = workers * t;
  if (used > cores) {
    s += "; " + std::to_string(used) + " threads share " + std::to_string(cores) + " cores";
  } else if (used < cores) {
    s += "; " + std::to_string(cores - used) + " core(s) idle";
  }
  if (ranks != cores + 1 || t != 1) s += "; recommended: " + recommended;
  return s;
}

}  // namespace sweep
