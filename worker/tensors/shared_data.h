// A data set held once per node by the members of a trial group (ranks_per_trial > 1) there:
// member 0 of the node decodes it, its pixels go into memory that all of them map
// (TrialGroup::node_memory), and every member's image sets point into it. What each member
// holds of its own is only the labels.
#pragma once

#include <functional>

#include "worker/tensors/dataset.h"
#include "worker/trial_group.h"

namespace sweep::worker {

// Every member of `group` on this node calls it for the same data set at the same time: node
// member 0 calls `decode`, and all return the data set with its pixels in the node's shared
// memory. A data set whose pixels are streamed from a file (an image cache under cache_memory =
// stream) is not shared: each member decodes it itself; nor is one whose pixels and 16 MiB do not
// fit in the free space where the node's shared memory lives (TrialGroup::node_memory_room; node
// member 0 says so on stderr). A failure of `decode` is thrown on every
// member of the node as DataError with its message; a member's own failure after that (decoding
// a streamed set, memory) on that member, and on the others as DataError saying so: none of
// them keeps the data set then.
LoadedData load_shared(const std::function<LoadedData()>& decode, TrialGroup& group);

}  // namespace sweep::worker
