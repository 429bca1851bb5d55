// Which worker ranks train each trial together (ranks_per_trial = R > 1): groups of R formed
// once at the start, on one node where possible. Pure logic: the ranks' nodes are passed in.
#pragma once

#include <string>
#include <vector>

namespace sweep {

struct GroupLayout {
  std::vector<std::vector<int>>
      groups;             // the world ranks of each group, ascending; the first leads
  std::vector<int> idle;  // worker ranks in no group (too few left to make one)
  int spanning = 0;       // groups whose ranks are on more than one node
  // The index of the group of world rank `rank`; -1 when it is in none.
  int group_of(int rank) const;
};

// Groups of `per_trial` ranks over the workers, where `node_of[r]` is the node of world rank r
// (ranks with equal values share a node). Rank 0 coordinates and joins no group (when there
// are other ranks). First, whole groups within each node, of its ranks in order; then the
// ranks left over on all nodes, in node order, make groups that span nodes; fewer than
// `per_trial` left at the end are idle. With per_trial = 1 every worker is its own group.
GroupLayout form_groups(const std::vector<int>& node_of, int per_trial);

// "2 groups of 2 ranks (1 across nodes), 1 worker rank idle (not enough for a group)".
std::string describe_groups(const GroupLayout& layout, int per_trial);

}  // namespace sweep
