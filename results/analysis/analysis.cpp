#include "results/analysis/analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "core/keys.h"
#include "results/analysis/rank.h"

namespace sweep::results {
namespace {

// `text` as a number, when all of it is one.
bool as_number(const std::string& text, double* v) {
  if (text.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// The metric of an ok trial; NaN for other trials.
double ranked_value(const StoredTrial& t, const std::string& metric) {
  return t.result.status == Status::kOk ? metric_value(t.result, metric) : NAN;
}

}  // namespace

std::string trial_value(const StoredTrial& t, const std::string& key) {
  return key == "status" ? status_name(t.result.status) : t.param(key);
}

std::vector<std::string> swept_keys(const std::vector<StoredTrial>& trials) {
  std::vector<std::string> out;
  for (const auto& k : known_keys()) {
    if (!k.in_id) continue;
    for (const auto& t : trials) {
      if (t.param(k.name) != trials.front().param(k.name)) {
        out.push_back(k.name);
        break;
      }
    }
  }
  return out;
}

std::vector<GroupStats> group_stats(const std::vector<StoredTrial>& trials, const std::string& key,
                                    const std::string& metric, bool higher) {
  std::vector<std::string> values;
  std::vector<std::pair<std::size_t, double>> items;
  std::map<std::string, std::size_t> index;
  for (const auto& t : trials) {
    auto [it, added] = index.emplace(trial_value(t, key), values.size());
    if (added) values.push_back(it->first);
    items.emplace_back(it->second, ranked_value(t, metric));
  }
  return group_stats_of(values, items, higher);
}

std::vector<GroupStats> group_stats_of(const std::vector<std::string>& group_values,
                                       const std::vector<std::pair<std::size_t, double>>& items,
                                       bool higher) {
  std::map<std::string, std::vector<double>> values;
  std::map<std::string, std::size_t> counts;
  for (const auto& [g, m] : items) {
    const std::string& v = group_values[g];
    ++counts[v];
    if (!std::isnan(m)) values[v].push_back(m);
  }
  std::vector<GroupStats> out;
  bool numeric = true;
  for (const auto& [value, n] : counts) {
    GroupStats g;
    g.value = value;
    g.trials = n;
    double ignored = 0;
    numeric = numeric && as_number(value, &ignored);
    const std::vector<double>& v = values[value];
    g.ranked = v.size();
    if (v.empty()) {
      g.best = g.mean = g.sd = NAN;
    } else {
      g.best =
          higher ? *std::max_element(v.begin(), v.end()) : *std::min_element(v.begin(), v.end());
      double sum = 0;
      for (double x : v) sum += x;
      g.mean = sum / static_cast<double>(v.size());
      double ss = 0;
      for (double x : v) ss += (x - g.mean) * (x - g.mean);
      g.sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0;
    }
    out.push_back(g);
  }
  if (numeric) {
    std::sort(out.begin(), out.end(), [](const GroupStats& a, const GroupStats& b) {
      return std::strtod(a.value.c_str(), nullptr) < std::strtod(b.value.c_str(), nullptr);
    });
  }
  return out;
}

std::vector<KeyImportance> importance(const std::vector<StoredTrial>& trials,
                                      const std::vector<std::string>& keys,
                                      const std::string& metric) {
  std::vector<const StoredTrial*> ranked;
  double sum = 0;
  for (const auto& t : trials) {
    const double m = ranked_value(t, metric);
    if (std::isnan(m)) continue;
    ranked.push_back(&t);
    sum += m;
  }
  std::vector<KeyImportance> out;
  const double mean = ranked.empty() ? 0 : sum / static_cast<double>(ranked.size());
  double total = 0;
  for (const auto* t : ranked) total += std::pow(ranked_value(*t, metric) - mean, 2);
  for (const auto& key : keys) {
    std::map<std::string, std::pair<double, std::size_t>> groups;  // value -> (sum, count)
    for (const auto* t : ranked) {
      auto& g = groups[trial_value(*t, key)];
      g.first += ranked_value(*t, metric);
      ++g.second;
    }
    double between = 0;
    for (const auto& [value, g] : groups) {
      between += static_cast<double>(g.second) * std::pow(g.first / g.second - mean, 2);
    }
    KeyImportance k;
    k.key = key;
    k.share = total > 0 && ranked.size() > 1 ? std::min(1.0, between / total) : 0;
    out.push_back(k);
  }
  std::stable_sort(out.begin(), out.end(), [](const KeyImportance& a, const KeyImportance& b) {
    return a.share > b.share;
  });
  return out;
}

}  // namespace sweep::results
