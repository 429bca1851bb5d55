#include "core/robustness.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace sweep {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string number_text(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// The items of `text` separated by any of `separators`, empty ones dropped.
std::vector<std::string> split(const std::string& text, const char* separators) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at <= text.size();) {
    const std::size_t end = std::min(text.find_first_of(separators, at), text.size());
    if (end > at) out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

}  // namespace

const std::vector<Perturbation>& all_perturbations() {
  static const std::vector<Perturbation> all = {Perturbation::kBrightness, Perturbation::kContrast,
                                                Perturbation::kNoise, Perturbation::kBlur,
                                                Perturbation::kRotation};
  return all;
}

std::string perturbation_name(Perturbation p) {
  switch (p) {
    case Perturbation::kBrightness:
      return "brightness";
    case Perturbation::kContrast:
      return "contrast";
    case Perturbation::kNoise:
      return "noise";
    case Perturbation::kBlur:
      return "blur";
    case Perturbation::kRotation:
      return "rotation";
  }
  return "";
}

std::optional<Perturbation> parse_perturbation(const std::string& name) {
  for (Perturbation p : all_perturbations()) {
    if (perturbation_name(p) == name) return p;
  }
  return std::nullopt;
}

const std::vector<double>& perturbation_levels(Perturbation p) {
  static const std::vector<double> factors = {0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5};
  static const std::vector<double> noise = {0.02, 0.05, 0.1, 0.2};
  static const std::vector<double> blur = {0.5, 1, 2};
  static const std::vector<double> rotation = {5, 15, 30};
  switch (p) {
    case Perturbation::kNoise:
      return noise;
    case Perturbation::kBlur:
      return blur;
    case Perturbation::kRotation:
      return rotation;
    default:
      return factors;
  }
}

std::string level_range_text(Perturbation p) {
  switch (p) {
    case Perturbation::kNoise:
      return "0 to 1";
    case Perturbation::kBlur:
      return "above 0, up to 10";
    case Perturbation::kRotation:
      return "0 to 360";
    default:
      return "0 to 10";
  }
}

bool level_in_range(Perturbation p, double level) {
  switch (p) {
    case Perturbation::kNoise:
      return level >= 0 && level <= 1;
    case Perturbation::kBlur:
      return level > 0 && level <= 10;
    case Perturbation::kRotation:
      return level >= 0 && level <= 360;
    default:
      return level >= 0 && level <= 10;
  }
}

std::vector<RobustnessCheck> parse_robustness(const std::string& value) {
  const std::vector<std::string> items = split(value, " \t,");
  if (items.empty()) throw std::invalid_argument("no perturbation named (use none for none)");
  if (items.size() == 1 && lower(items[0]) == "none") return {};
  std::vector<RobustnessCheck> out;
  for (const std::string& item : items) {
    const std::size_t colon = item.find(':');
    const std::string name = lower(item.substr(0, colon));
    if (name == "none") throw std::invalid_argument("none cannot be listed with perturbations");
    const std::optional<Perturbation> p = parse_perturbation(name);
    if (!p) {
      std::string known;
      for (Perturbation k : all_perturbations()) known += " " + perturbation_name(k);
      throw std::invalid_argument("unknown perturbation '" + item.substr(0, colon) +
                                  "' (known:" + known + ")");
    }
    for (const RobustnessCheck& c : out) {
      if (c.kind == *p) throw std::invalid_argument(name + " is named twice");
    }
    RobustnessCheck c{*p, perturbation_levels(*p)};
    if (colon != std::string::npos) {
      c.levels.clear();
      for (const std::string& level : split(item.substr(colon + 1), "/")) {
        char* end = nullptr;
        const double v = std::strtod(level.c_str(), &end);
        if (end != level.c_str() + level.size() || !std::isfinite(v)) {
          throw std::invalid_argument(name + ": level '" + level + "' is not a number");
        }
        if (!level_in_range(*p, v)) {
          throw std::invalid_argument(name + ": level " + level + " is out of range (" +
                                      level_range_text(*p) + ")");
        }
        c.levels.push_back(v);
      }
      if (c.levels.empty()) throw std::invalid_argument(name + ": no level after ':'");
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string robustness_text(const std::vector<RobustnessCheck>& checks) {
  if (checks.empty()) return "none";
  std::string out;
  for (const RobustnessCheck& c : checks) {
    if (!out.empty()) out += ", ";
    out += perturbation_name(c.kind);
    if (c.levels == perturbation_levels(c.kind)) continue;
    for (std::size_t i = 0; i < c.levels.size(); ++i) {
      out += (i == 0 ? ":" : "/") + number_text(c.levels[i]);
    }
  }
  return out;
}

}  // namespace sweep
