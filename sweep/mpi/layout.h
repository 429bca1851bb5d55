// How many LibTorch threads each worker rank uses (pure logic; MPI facts are passed in).
#pragma once

#include <string>

namespace sweep {

struct NodeFacts {
  int cores = 1;                  // cores this job may use on the node (union of the ranks' masks)
  int own_cores = 1;              // cores this rank is bound to
  int local_ranks = 1;            // ranks of this job on the node
  bool coordinator_here = false;  // world rank 0 runs on this node and only coordinates
  int local_worker = 0;           // this rank's number among the node's workers, from 0
  int node = 0;                   // the node's id: the lowest world rank on it
};

// Threads per worker: the node's cores divided among its worker ranks (the coordinator does
// not count), at least 1 and never more than the cores this rank is bound to. A positive
// `requested` (--threads) wins.
int threads_per_worker(const NodeFacts& f, int requested);

// What `sweep plan` prints about the layout on a node of `cores` cores: with `ranks` > 0, how
// `sweep run` under that many ranks on the node shares the cores (rank 0 coordinating, the
// workers and their threads, idle or shared cores); with ranks = 0, what running alone does
// and the recommended rank count (one single-thread worker per core plus the coordinator:
// parallel single-thread trials give the most samples/s in total). `threads` > 0 is --threads.
std::string describe_layout(int cores, int ranks, int threads);

}  // namespace sweep
