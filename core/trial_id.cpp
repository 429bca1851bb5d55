#include "core/trial_id.h"

#include <algorithm>
#include <cstdio>

#include "core/keys.h"

namespace sweep {

std::string canonical_text(const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (const auto& kv : params) {
    const KeySpec* spec = find_key(kv.first);
    if (spec == nullptr || !spec->in_id) continue;
    if (kv.second == spec->default_value) continue;
    kept.push_back(kv);
  }
  std::sort(kept.begin(), kept.end());
  std::string text = "sweep-trial-v1\n";
  for (const auto& kv : kept) text += kv.first + "=" + kv.second + "\n";
  return text;
}

std::uint64_t hash64(const std::string& text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

std::uint64_t trial_id_of(const std::vector<std::pair<std::string, std::string>>& params) {
  return hash64(canonical_text(params));
}

std::string trial_id_hex(std::uint64_t id) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(id));
  return buf;
}

}  // namespace sweep
