#include "core/trial_id.h"

#include <algorithm>
#include <cstdio>

#include "core/keys.h"

namespace sweep {
namespace {
constexpr const char* kHeader = "sweep-trial-v1\n";
}  // namespace

std::string canonical_text(const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (const auto& kv : params) {
    const KeySpec* spec = find_key(kv.first);
    if (spec == nullptr || !spec->in_id) continue;
    if (kv.second == spec->default_value) continue;
    kept.push_back(kv);
  }
  std::sort(kept.begin(), kept.end());
  std::string text = kHeader;
  for (const auto& kv : kept) text += kv.first + "=" + kv.second + "\n";
  return text;
}

std::uint64_t Hash64::finish() const {
  std::uint64_t h = h_;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

std::uint64_t hash64(const std::string& text) {
  Hash64 h;
  h.add(text);
  return h.finish();
}

std::uint64_t trial_id_of(const std::vector<std::pair<std::string, std::string>>& params) {
  return hash64(canonical_text(params));
}

TrialIdOfValues::TrialIdOfValues() {
  const auto& keys = known_keys();
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (keys[k].in_id) order_.push_back(k);
  }
  std::sort(order_.begin(), order_.end(),
            [&](std::size_t a, std::size_t b) { return keys[a].name < keys[b].name; });
}

std::uint64_t TrialIdOfValues::operator()(const std::vector<const std::string*>& values) const {
  const auto& keys = known_keys();
  Hash64 h;
  h.add(kHeader);
  for (std::size_t k : order_) {
    const std::string& v = *values[k];
    if (v == keys[k].default_value) continue;
    h.add(keys[k].name);
    h.add("=");
    h.add(v);
    h.add("\n");
  }
  return h.finish();
}

std::string trial_id_hex(std::uint64_t id) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(id));
  return buf;
}

}  // namespace sweep
