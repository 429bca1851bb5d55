// Fuzz target: the search-space distributions of random search. The input's first byte picks
// a key of the schema, the rest is the value text of a [grid] line (a list or a distribution
// such as loguniform(1e-4, 1e-1)). Parsing throws GridError or succeeds; every value drawn
// from a parsed distribution, at either end and inside, must be a valid value of the key.
#include <cstdint>
#include <optional>
#include <string>

#include "core/errors.h"
#include "core/keys.h"
#include "sweep/grid/search_space.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto& keys = sweep::known_keys();
  const sweep::KeySpec& key = keys[data[0] % keys.size()];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::optional<sweep::Distribution> d;
  try {
    d = sweep::parse_distribution(key, text);
  } catch (const sweep::GridError&) {
    return 0;
  }
  if (!d) return 0;
  for (double u : {0.0, 0.25, 0.5, 0.999999}) {
    const std::string v = sweep::draw(key, *d, u);
    try {
      if (sweep::canonical_value(key, v) != v) __builtin_trap();  // drawn values are canonical
    } catch (const sweep::GridError&) {
      __builtin_trap();  // a drawn value the key rejects
    }
  }
  return 0;
}
