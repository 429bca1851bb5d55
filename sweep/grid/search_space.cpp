#include "sweep/grid/search_space.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/errors.h"
#include "sweep/grid/grid_values.h"

namespace sweep {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// The comma-separated arguments between the parentheses of "name(...)".
std::vector<std::string> arguments(const std::string& inside) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = inside.find(',', start);
    out.push_back(
        trim(inside.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// The shortest text of `v` that reads back to the same double.
std::string shortest(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

double round_significant(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return v;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return std::strtod(buf, nullptr);
}

}  // namespace

std::optional<Distribution> parse_distribution(const KeySpec& spec, const std::string& raw) {
  const std::string text = trim(raw);
  const auto open = text.find('(');
  if (open == std::string::npos || text.back() != ')') return std::nullopt;
  const std::string name = trim(text.substr(0, open));
  Distribution d;
  if (name == "uniform") {
    d.kind = Distribution::Kind::kUniform;
  } else if (name == "loguniform") {
    d.kind = Distribution::Kind::kLogUniform;
  } else if (name == "int") {
    d.kind = Distribution::Kind::kInt;
  } else if (name == "choice") {
    d.kind = Distribution::Kind::kChoice;
  } else {
    throw GridError("key '" + spec.name + "': unknown distribution '" + name +
                    "'; one of uniform(a, b), loguniform(a, b), int(a, b), choice(x, y, ...)");
  }
  const std::vector<std::string> args = arguments(text.substr(open + 1, text.size() - open - 2));
  auto fail = [&](const std::string& why) {
    return GridError("key '" + spec.name + "': " + text + ": " + why);
  };
  if (d.kind == Distribution::Kind::kChoice) {
    if (args.size() == 1 && args[0].empty()) throw fail("no values");
    for (const auto& a : args) {
      if (a.empty()) throw fail("an empty value");
      const std::string v = canonical_value(spec, a);
      if (std::find(d.choices.begin(), d.choices.end(), v) != d.choices.end()) {
        throw fail("value " + a + " appears twice");
      }
      d.choices.push_back(v);
    }
    d.text = "choice(";
    for (std::size_t i = 0; i < d.choices.size(); ++i) d.text += (i ? ", " : "") + d.choices[i];
    d.text += ")";
    return d;
  }
  if (spec.type != KeyType::kInt && spec.type != KeyType::kFloat) {
    throw fail("a numeric distribution for a key that is not a number; use choice(...)");
  }
  if (d.kind == Distribution::Kind::kInt && spec.type != KeyType::kInt) {
    throw fail("int(a, b) is for integer keys; use uniform(a, b) or loguniform(a, b)");
  }
  if (args.size() != 2) throw fail("expected two bounds, (low, high)");
  d.low = std::strtod(canonical_value(spec, args[0]).c_str(), nullptr);
  d.high = std::strtod(canonical_value(spec, args[1]).c_str(), nullptr);
  if (d.kind == Distribution::Kind::kInt ? d.low > d.high : d.low >= d.high) {
    throw fail("the low bound must be below the high bound");
  }
  if (d.kind == Distribution::Kind::kLogUniform && d.low <= 0) {
    throw fail("loguniform needs a low bound above 0");
  }
  d.text = name + "(" + shortest(d.low) + ", " + shortest(d.high) + ")";
  return d;
}

std::string draw(const KeySpec& spec, const Distribution& d, double u) {
  switch (d.kind) {
    case Distribution::Kind::kChoice: {
      const auto n = d.choices.size();
      return d.choices[std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)))];
    }
    case Distribution::Kind::kInt: {
      const double span = d.high - d.low + 1;
      return std::to_string(
          static_cast<long long>(d.low + std::min(span - 1, std::floor(u * span))));
    }
    case Distribution::Kind::kUniform:
    case Distribution::Kind::kLogUniform:
      break;
  }
  return value_text(spec, d,
                    d.kind == Distribution::Kind::kUniform
                        ? d.low + u * (d.high - d.low)
                        : std::exp(std::log(d.low) + u * (std::log(d.high) - std::log(d.low))));
}

std::string value_text(const KeySpec& spec, const Distribution& d, double v) {
  v = spec.type == KeyType::kInt ? std::round(v) : round_significant(v, 6);
  v = std::clamp(v, d.low, d.high);
  if (spec.type == KeyType::kInt) return std::to_string(static_cast<long long>(v));
  return canonical_value(spec, shortest(v));
}

bool is_search_setting(const std::string& key) {
  return key == "search" || key == "samples" || key == "search_seed" || key == "min_epochs" ||
         key == "max_epochs" || key == "reduction_factor" || key == "startup_trials" ||
         key == "ei_candidates" || key == "stopping" || key == "stopping_warmup" ||
         key == "stopping_min_trials";
}

void set_search_setting(SearchSettings& s, const std::string& key, const std::string& raw,
                        const std::string& origin) {
  const std::string value = trim(raw);
  auto integer = [&](long long lo, long long hi) {
    long long v = 0;
    auto r = std::from_chars(value.data(), value.data() + value.size(), v);
    if (value.empty() || r.ec != std::errc() || r.ptr != value.data() + value.size() || v < lo ||
        v > hi) {
      throw GridError("key '" + key + "': '" + value + "' is not an integer in [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    return v;
  };
  if (key == "search") {
    if (value == "grid") {
      s.method = SearchSettings::Method::kGrid;
    } else if (value == "random") {
      s.method = SearchSettings::Method::kRandom;
    } else if (value == "asha") {
      s.method = SearchSettings::Method::kAsha;
    } else if (value == "tpe") {
      s.method = SearchSettings::Method::kTpe;
    } else {
      throw GridError("key 'search': '" + value +
                      "' is not a known value; expected grid, random, asha or tpe");
    }
    s.origin = origin;
  } else if (key == "samples") {
    s.samples = static_cast<std::size_t>(integer(1, 10000000));
    s.samples_origin = origin;
  } else if (key == "search_seed") {
    s.seed = static_cast<std::uint64_t>(integer(0, 2147483647));
  } else if (key == "stopping") {
    if (value != "none" && value != "median") {
      throw GridError("key 'stopping': '" + value +
                      "' is not a known value; expected none or median");
    }
    s.median_stopping = value == "median";
    s.stopping_origin = origin;
  } else if (key == "stopping_warmup") {
    s.stopping_warmup = static_cast<int>(integer(0, 100000));
    s.stopping_setting_origin = origin;
  } else if (key == "stopping_min_trials") {
    s.stopping_min_trials = static_cast<std::size_t>(integer(1, 1000000));
    s.stopping_setting_origin = origin;
  } else if (key == "startup_trials") {
    s.startup_trials = static_cast<std::size_t>(integer(0, 10000000));
    s.tpe_origin = origin;
  } else if (key == "ei_candidates") {
    s.ei_candidates = static_cast<std::size_t>(integer(1, 10000));
    s.tpe_origin = origin;
  } else {
    const int v =
        static_cast<int>(key == "reduction_factor" ? integer(2, 100) : integer(1, 100000));
    (key == "min_epochs"   ? s.min_epochs
     : key == "max_epochs" ? s.max_epochs
                           : s.reduction_factor) = v;
    s.asha_origin = origin;
  }
}

double sample_uniform(std::uint64_t seed, std::uint64_t sample, const std::string& key) {
  std::uint64_t x = splitmix64(seed ^ 0x5eed5eed5eed5eedULL);
  x = splitmix64(x ^ sample);
  x = splitmix64(x ^ fnv1a(key));
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

}  // namespace sweep
