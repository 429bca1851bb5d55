#include "sweep/commands/plan.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/errors.h"
#include "core/keys.h"
#include "core/trial_id.h"
#include "sweep/data/memory_share.h"
#include "sweep/search/asha_work.h"
#include "sweep/search/scheduler.h"
#include "worker/worker.h"

namespace sweep {

namespace {

// "512 MiB", "23.4 GiB", "7.68 TiB".
std::string gib(double bytes) {
  const char* units[] = {"MiB", "GiB", "TiB", "PiB"};
  double v = bytes / (1024.0 * 1024);
  int u = 0;
  while (v >= 1024 && u < 3) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, v >= 100 ? "%.0f %s" : "%.3g %s", v, units[u]);
  return buf;
}

// Refuses the trials whose memory floor exceeds `budget` bytes, naming the first with the
// values of the grid's axes and counting the others.
void check_memory(const Plan& p, double budget) {
  if (budget <= 0) return;
  std::size_t over = 0;
  const TrialSpec* first = nullptr;
  double need = 0;
  for (const auto& t : p.trials) {
    const double floor = worker::training_memory_floor(t, p.data);
    if (floor <= budget) continue;
    if (over++ == 0) first = &t, need = floor;
  }
  if (over == 0) return;
  std::string axes;
  for (const auto& e : p.grid.entries) {
    if (e.axis) axes += (axes.empty() ? "" : ", ") + e.key + " = " + first->get(e.key);
  }
  throw GridError(p.grid.path + ": trial " + trial_id_hex(first->trial_id) +
                  (axes.empty() ? "" : " (" + axes + ")") + " needs at least " + gib(need) +
                  " for its model's weights, gradients and optimizer state, more than the " +
                  gib(budget) + " a training rank has here" +
                  (over > 1 ? "; " + std::to_string(over - 1) + " other trial(s) too" : "") +
                  "; make the model smaller (filters, dense_units, width, embed_dim, depth)");
}

}  // namespace

double training_memory_per_rank(int ranks) {
  const std::optional<std::uint64_t> available = available_memory();
  if (!available) return 0;
  return static_cast<double>(*available) / std::max(1, ranks);
}

Plan make_plan(const std::string& grid_path,
               const std::vector<std::pair<std::string, std::string>>& overrides,
               const PlanChecks& checks) {
  Plan p;
  p.grid = read_grid_file(grid_path);
  apply_overrides(p.grid, overrides);
  if (p.grid.entries.empty()) {
    throw GridError(grid_path +
                    ": sets no key (the file is empty or only comments, and no --key=value "
                    "was given); name at least the data set, e.g. `dataset = mnist`, and what to "
                    "sweep under [grid] (to train one trial with every default, set any key to "
                    "its default, e.g. `epochs = 5`)");
  }
  check_consistency(p.grid);
  p.trials = expand(p.grid);
  const bool all_noop = std::all_of(p.trials.begin(), p.trials.end(),
                                    [](const TrialSpec& t) { return t.get("model") == "noop"; });
  try {
    if (all_noop) {
      p.data.description = "none (model = noop loads no data)";
    } else {
      p.data = check_data_sets(p.trials, checks.data, &p.data_check_seconds);
    }
  } catch (const DataError& e) {
    throw DataError(grid_path + ": data set: " + e.what());
  }
  for (const auto& t : p.trials) {
    try {
      worker::check_trial_settings(t, p.data);
    } catch (const std::invalid_argument& e) {
      throw GridError(grid_path + ": trial " + trial_id_hex(t.trial_id) + ": " + e.what());
    }
  }
  if (!all_noop && checks.data == DataCheck::kWhole) {  // each backbone run on one image
    try {
      worker::check_backbone_inputs(p.trials, p.data);
    } catch (const std::invalid_argument& e) {
      throw GridError(grid_path + ": " + e.what());
    }
  }
  check_memory(p, checks.memory_per_rank);
  double lo = 0;
  for (const auto& t : p.trials) {
    double c = estimate_cost(t, p.data);
    p.costs.push_back(c);
    lo = lo == 0 ? c : std::min(lo, c);
  }
  for (double& c : p.costs) c = lo > 0 ? c / lo : 1.0;
  return p;
}

namespace {
std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}
}  // namespace

std::string parameter_set(const Grid& grid) {
  std::vector<std::string> names;
  for (const auto& e : grid.entries) {
    const KeySpec* k = find_key(e.key);
    if (k != nullptr && k->in_id && e.key != "dataset") names.push_back(e.key);
  }
  std::sort(names.begin(), names.end());
  std::string s = "dataset=" + grid.fixed_value("dataset") + "; keys:";
  for (const auto& n : names) s += " " + n;
  return s;
}

void check_parameter_set(const std::string& path, const std::string& in_file,
                         const std::string& in_grid) {
  if (in_file.empty() || in_file == in_grid) return;
  throw GridError(path + ": written for a different parameter set, not resumed or changed\n" +
                  "  the file: " + in_file + "\n  this grid: " + in_grid +
                  "\n  (adding values to a key is fine; a different data set or a key added or "
                  "removed is another sweep: choose another --out)");
}

Target resolve_target(const CliCommand& cmd, const EnvLookup& env) {
  Target t;
  t.shard = resolve_shard(cmd.shard, env);
  t.out = !cmd.out.empty() ? cmd.out : default_out_path(cmd.grid, t.shard ? t.shard->tag() : "");
  return t;
}

std::vector<std::size_t> shard_members(const Plan& plan, const std::optional<Shard>& shard) {
  std::vector<std::size_t> out;
  const std::vector<int> of = shard ? assign_shards(plan.costs, shard->count) : std::vector<int>();
  for (std::size_t i = 0; i < plan.trials.size(); ++i) {
    if (!shard || of[i] == shard->index) out.push_back(i);
  }
  return out;
}

std::string describe_plan(const Plan& plan, const Target& target,
                          const std::vector<std::size_t>& order, std::size_t skipped,
                          std::size_t show) {
  std::ostringstream os;
  os << "grid " << plan.grid.path << ": " << plan.trials.size() << " trials";
  const SearchSettings& search = plan.grid.search;
  if (search.method == SearchSettings::Method::kRandom) {
    os << " (random search: " << search.samples << " samples asked, search_seed " << search.seed
       << ")";
  } else if (search.method == SearchSettings::Method::kAsha) {
    os << " (successive halving (asha): " << search.samples << " configurations asked, search_seed "
       << search.seed << ", rungs at";
    for (int e : rung_epochs(asha_settings(search, plan.trials.size()))) os << " " << e;
    os << " epochs, reduction factor " << search.reduction_factor
       << "; costs below are for max_epochs)";
  }
  for (const auto& e : plan.grid.entries) {
    if (e.dist) {
      os << " " << e.key << "~" << e.dist->text;
    } else if (e.axis) {
      os << " " << e.key << "(" << e.values.size() << ")";
    }
  }
  os << "\ndata: " << plan.data.description << " — " << plan.data.train_count << " training, "
     << plan.data.test_count << " test images of " << plan.data.channels << "x" << plan.data.rows
     << "x" << plan.data.cols;
  if (plan.data_check_seconds > 0) {
    char took[64];
    std::snprintf(took, sizeof took, " (read and checked in %.2f s)", plan.data_check_seconds);
    os << took;
  }
  os << "\n";
  if (target.shard) {
    const std::vector<std::size_t> members = shard_members(plan, target.shard);
    double mine = 0, all = 0;
    for (std::size_t i : members) mine += plan.costs[i];
    for (double c : plan.costs) all += c;
    os << "shard " << target.shard->index + 1 << " of " << target.shard->count << " ("
       << target.shard->source << "): " << members.size() << " trials, "
       << pct(all > 0 ? 100 * mine / all : 0) << "% of the estimated cost\n";
  }
  os << "results file: " << target.out << "\n";
  double total = 0;
  for (std::size_t i : order) total += plan.costs[i];
  os << "to run: " << order.size() << " trials (" << skipped << " already done, skipped); "
     << "total estimated cost " << total << " x the cheapest trial\n";
  std::vector<const GridEntry*> axes;
  for (const auto& e : plan.grid.entries) {
    if (e.axis) axes.push_back(&e);
  }
  const std::size_t n = std::min(show, order.size());
  if (n > 0) os << "first " << n << " in run order (longest first):\n";
  for (std::size_t j = 0; j < n; ++j) {
    const TrialSpec& t = plan.trials[order[j]];
    char cost[32];
    std::snprintf(cost, sizeof cost, "%6.2fx", plan.costs[order[j]]);
    os << "  " << trial_id_hex(t.trial_id) << "  cost " << cost;
    for (const auto* a : axes) os << "  " << a->key << "=" << t.get(a->key);
    os << "\n";
  }
  return os.str();
}

}  // namespace sweep
