// The values of keys: what a key expects, in words, and a raw value checked and made canonical
// (the text that enters trial ids). The schema itself, every key, is in keys.cpp.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/errors.h"
#include "core/keys.h"

namespace sweep {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string fmt_bound(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

}  // namespace

std::string expected_text(const KeySpec& spec) {
  switch (spec.type) {
    case KeyType::kInt:
      return "an integer in [" + fmt_bound(spec.min) + ", " + fmt_bound(spec.max) + "]";
    case KeyType::kFloat:
      return std::string("a number in ") + (spec.min_exclusive ? "(" : "[") + fmt_bound(spec.min) +
             ", " + fmt_bound(spec.max) + (spec.max_exclusive ? ")" : "]");
    case KeyType::kChoice: {
      std::string s = "one of";
      for (const auto& c : spec.choices) s += " " + c;
      return s;
    }
    case KeyType::kString:
      return spec.expected.empty() ? "a text value" : spec.expected;
    case KeyType::kFloatList:
      return std::string("one or more numbers in ") + (spec.min_exclusive ? "(" : "[") +
             fmt_bound(spec.min) + ", " + fmt_bound(spec.max) + (spec.max_exclusive ? ")" : "]") +
             ", separated by spaces or commas (at most " + std::to_string(kMaxListValues) + ")";
  }
  return "a value";
}

std::string canonical_value(const KeySpec& spec, const std::string& raw) {
  auto bad = [&](const std::string& why) {
    return GridError("key '" + spec.name + "': " + why + "; expected " + expected_text(spec));
  };
  switch (spec.type) {
    case KeyType::kString:
      if (spec.canonical == nullptr) return raw;
      try {
        return spec.canonical(raw);
      } catch (const std::invalid_argument& e) {
        throw bad(e.what());
      }
    case KeyType::kChoice: {
      std::string v = lower(raw);
      if (std::find(spec.choices.begin(), spec.choices.end(), v) == spec.choices.end()) {
        throw bad("'" + raw + "' is not a known value");
      }
      return v;
    }
    case KeyType::kInt: {
      long long v = 0;
      const char* b = raw.data();
      const char* e = raw.data() + raw.size();
      auto r = std::from_chars(b, e, v);
      if (raw.empty() || r.ec != std::errc() || r.ptr != e)
        throw bad("'" + raw + "' is not an integer");
      if (v < spec.min || v > spec.max) throw bad(raw + " is out of range");
      return std::to_string(v);
    }
    case KeyType::kFloatList: {
      std::string out;
      std::size_t count = 0;
      for (std::size_t at = 0; at < raw.size();) {
        const std::size_t end = raw.find_first_of(" \t,", at);
        const std::string item = raw.substr(at, end == std::string::npos ? end : end - at);
        at = end == std::string::npos ? raw.size() : end + 1;
        if (item.empty()) continue;
        KeySpec one = spec;
        one.type = KeyType::kFloat;
        std::string v;
        try {
          v = canonical_value(one, item);
        } catch (const GridError&) {
          throw bad("'" + item + "' is not a number in range");
        }
        if (++count > kMaxListValues) throw bad("too many values");
        out += (out.empty() ? "" : " ") + v;
      }
      if (out.empty()) throw bad("no value");
      return out;
    }
    case KeyType::kFloat: {
      char* end = nullptr;
      double v = std::strtod(raw.c_str(), &end);
      if (raw.empty() || end != raw.c_str() + raw.size() || !std::isfinite(v)) {
        throw bad("'" + raw + "' is not a number");
      }
      bool low_bad = spec.min_exclusive ? v <= spec.min : v < spec.min;
      bool high_bad = spec.max_exclusive ? v >= spec.max : v > spec.max;
      if (low_bad || high_bad) throw bad(raw + " is out of range");
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v);
      return std::string(buf, r.ptr);
    }
  }
  return raw;
}

}  // namespace sweep
