#include "sweep/offline/plan.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <unordered_map>

#include "core/errors.h"
#include "core/keys.h"
#include "core/trial_id.h"
#include "sweep/data/memory_share.h"
#include "sweep/search/asha_work.h"
#include "sweep/search/scheduler.h"
#include "worker/config/trial_settings.h"

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

// Trials that differ only in their seed train the same model on the same data for as long:
// their checks and cost estimates are the same, so they are made once per such group, on its
// first trial. `first[g]` is group g's first trial, `of[i]` trial i's group, `size[g]` how many.
struct SeedGroups {
  std::vector<std::size_t> first;
  std::vector<std::uint32_t> of;
  std::vector<std::size_t> size;
};

SeedGroups seed_groups(const TrialSet& trials) {
  const std::size_t seed = static_cast<std::size_t>(find_key("seed") - known_keys().data());
  std::vector<std::size_t> keys;
  for (std::size_t k : trials.varying_keys()) {
    if (k != seed) keys.push_back(k);
  }
  struct Hash {
    std::size_t operator()(const std::vector<std::uint32_t>& v) const {
      std::size_t h = 0;
      for (std::uint32_t x : v) h = h * 1000003u ^ x;
      return h;
    }
  };
  std::unordered_map<std::vector<std::uint32_t>, std::uint32_t, Hash> group;
  SeedGroups g;
  g.of.resize(trials.size());
  std::vector<std::uint32_t> sig(keys.size());
  for (std::size_t i = 0; i < trials.size(); ++i) {
    for (std::size_t j = 0; j < keys.size(); ++j) sig[j] = trials.value_index(i, keys[j]);
    auto [it, added] = group.emplace(sig, static_cast<std::uint32_t>(g.first.size()));
    if (added) {
      g.first.push_back(i);
      g.size.push_back(0);
    }
    g.of[i] = it->second;
    ++g.size[it->second];
  }
  return g;
}

// Refuses the trials whose memory floor exceeds `budget` bytes, naming the first with the
// values of the grid's axes and counting the others. `firsts` are the seed groups' first
// trials (in trial order), `sizes` their sizes.
void check_memory(const Plan& p, const std::vector<TrialSpec>& firsts,
                  const std::vector<std::size_t>& sizes, double budget) {
  if (budget <= 0) return;
  std::size_t over = 0;
  const TrialSpec* first = nullptr;
  double need = 0;
  for (std::size_t g = 0; g < firsts.size(); ++g) {
    const double floor = worker::training_memory_floor(firsts[g], p.data);
    if (floor <= budget) continue;
    if (over == 0) first = &firsts[g], need = floor;
    over += sizes[g];
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
  const SeedGroups groups = seed_groups(p.trials);
  std::vector<TrialSpec> firsts;
  firsts.reserve(groups.first.size());
  for (std::size_t i : groups.first) firsts.push_back(p.trials.spec(i));
  const bool all_noop = std::all_of(firsts.begin(), firsts.end(),
                                    [](const TrialSpec& t) { return t.get("model") == "noop"; });
  try {
    if (all_noop) {
      p.data.description = "none (model = noop loads no data)";
    } else {
      p.data = check_data_sets(firsts, checks.data, &p.data_check_seconds);
    }
  } catch (const DataError& e) {
    throw DataError(grid_path + ": data set: " + e.what());
  }
  for (const auto& t : firsts) {
    try {
      worker::check_trial_settings(t, p.data);
    } catch (const std::invalid_argument& e) {
      throw GridError(grid_path + ": trial " + trial_id_hex(t.trial_id) + ": " + e.what());
    }
  }
  // each backbone run on one image
  if (!all_noop && checks.data == DataCheck::kWhole && checks.backbones) {
    try {
      checks.backbones(firsts, p.data);
    } catch (const std::invalid_argument& e) {
      throw GridError(grid_path + ": " + e.what());
    }
  }
  check_memory(p, firsts, groups.size, checks.memory_per_rank);
  std::vector<double> group_cost;
  double lo = 0;
  for (const auto& t : firsts) {
    const double c = estimate_cost(t, p.data);
    group_cost.push_back(c);
    lo = lo == 0 ? c : std::min(lo, c);
  }
  for (double& c : group_cost) c = lo > 0 ? c / lo : 1.0;
  p.costs.resize(p.trials.size());
  for (std::size_t i = 0; i < p.trials.size(); ++i) p.costs[i] = group_cost[groups.of[i]];
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
  } else if (search.method == SearchSettings::Method::kTpe && search.halving()) {
    os << " (tpe with successive halving: " << search.samples
       << " configurations asked, each suggested by TPE when it starts (the first "
       << search.startup_trials << " at random), search_seed " << search.seed << ", rungs at";
    for (int e : rung_epochs(asha_settings(search, search.samples))) os << " " << e;
    os << " epochs, reduction factor " << search.reduction_factor
       << "; below, random draws of the space, checked and costed at max_epochs)";
  } else if (search.method == SearchSettings::Method::kTpe) {
    os << " (tpe: " << search.samples << " trials asked, the first " << search.startup_trials
       << " at random and the rest suggested from the results as they come, search_seed "
       << search.seed
       << "; below, random draws of the space, checked and costed as a sample of "
          "it)";
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
    const std::size_t i = order[j];
    char cost[32];
    std::snprintf(cost, sizeof cost, "%6.2fx", plan.costs[i]);
    os << "  " << trial_id_hex(plan.trials.id(i)) << "  cost " << cost;
    for (const auto* a : axes) os << "  " << a->key << "=" << plan.trials.get(i, a->key);
    os << "\n";
  }
  return os.str();
}

}  // namespace sweep
