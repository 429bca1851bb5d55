// How many LibTorch threads each worker rank uses (pure logic; MPI facts are passed in).
#pragma once

namespace sweep {

struct NodeFacts {
  int cores = 1;                  // cores this job may use on the node (union of the ranks' masks)
  int own_cores = 1;              // cores this rank is bound to
  int local_ranks = 1;            // ranks of this job on the node
  bool coordinator_here = false;  // world rank 0 runs on this node and only coordinates
};

// Threads per worker: the node's cores divided among its worker ranks (the coordinator does
// not count), at least 1 and never more than the cores this rank is bound to. A positive
// `requested` (--threads) wins.
int threads_per_worker(const NodeFacts& f, int requested);

}  // namespace sweep
