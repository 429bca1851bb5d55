#include "sweep/mpi/groups.h"

#include <algorithm>
#include <map>
#include <set>

namespace sweep {

int GroupLayout::group_of(int rank) const {
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (std::find(groups[g].begin(), groups[g].end(), rank) != groups[g].end()) {
      return static_cast<int>(g);
    }
  }
  return -1;
}

GroupLayout form_groups(const std::vector<int>& node_of, int per_trial) {
  GroupLayout out;
  const int size = static_cast<int>(node_of.size());
  const int first_worker = size > 1 ? 1 : 0;
  const std::size_t r = static_cast<std::size_t>(std::max(1, per_trial));
  // The workers of each node, in node order (of its first rank) and rank order.
  std::vector<int> node_order;
  std::map<int, std::vector<int>> on_node;
  for (int rank = first_worker; rank < size; ++rank) {
    auto [it, added] = on_node.try_emplace(node_of[static_cast<std::size_t>(rank)]);
    if (added) node_order.push_back(it->first);
    it->second.push_back(rank);
  }
  std::vector<int> left;
  for (int node : node_order) {
    const std::vector<int>& ranks = on_node[node];
    std::size_t i = 0;
    for (; i + r <= ranks.size(); i += r) {
      out.groups.emplace_back(ranks.begin() + static_cast<std::ptrdiff_t>(i),
                              ranks.begin() + static_cast<std::ptrdiff_t>(i + r));
    }
    left.insert(left.end(), ranks.begin() + static_cast<std::ptrdiff_t>(i), ranks.end());
  }
  std::size_t i = 0;
  for (; i + r <= left.size(); i += r) {
    std::vector<int> g(left.begin() + static_cast<std::ptrdiff_t>(i),
                       left.begin() + static_cast<std::ptrdiff_t>(i + r));
    std::sort(g.begin(), g.end());
    out.groups.push_back(std::move(g));
  }
  out.idle.assign(left.begin() + static_cast<std::ptrdiff_t>(i), left.end());
  for (const auto& g : out.groups) {
    std::set<int> nodes;
    for (int rank : g) nodes.insert(node_of[static_cast<std::size_t>(rank)]);
    out.spanning += nodes.size() > 1;
  }
  return out;
}

std::string describe_groups(const GroupLayout& layout, int per_trial) {
  std::string s =
      std::to_string(layout.groups.size()) + " group(s) of " + std::to_string(per_trial) + " ranks";
  if (layout.spanning > 0) s += " (" + std::to_string(layout.spanning) + " across nodes)";
  if (!layout.idle.empty()) {
    s += ", " + std::to_string(layout.idle.size()) +
         " worker rank(s) idle (not enough for a group of " + std::to_string(per_trial) + ")";
  }
  return s;
}

}  // namespace sweep
