// Fuzz target: a grid file and command-line overrides. The input is the grid text, then
// optionally a NUL byte and override lines `key=value`. Parsing, overriding, the consistency
// check and (for small grids) the expansion must either succeed or throw GridError; any other
// exception, crash, leak or undefined behaviour is a bug. Expanded trials must have distinct
// ids and every key in schema order.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "core/keys.h"
#include "sweep/grid/grid.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string text = input.substr(0, nul);
  std::vector<std::pair<std::string, std::string>> overrides;
  if (nul != std::string::npos) {
    std::string rest = input.substr(nul + 1), line;
    for (std::size_t at = 0; at <= rest.size();) {
      std::size_t end = rest.find('\n', at);
      if (end == std::string::npos) end = rest.size();
      line = rest.substr(at, end - at);
      const std::size_t eq = line.find('=');
      if (eq != std::string::npos) overrides.emplace_back(line.substr(0, eq), line.substr(eq + 1));
      at = end + 1;
    }
  }
  try {
    sweep::Grid grid = sweep::parse_grid_text(text, "fuzz.ini");
    sweep::apply_overrides(grid, overrides);
    sweep::check_consistency(grid);
    if (grid.size() > 2000) return 0;  // large grids are fine; expanding them is slow here
    const std::vector<sweep::TrialSpec> trials = sweep::expand(grid).specs();
    std::vector<std::uint64_t> ids;
    for (const auto& t : trials) {
      if (t.params.size() != sweep::known_keys().size()) __builtin_trap();
      for (std::uint64_t id : ids) {
        if (id == t.trial_id) __builtin_trap();
      }
      ids.push_back(t.trial_id);
    }
  } catch (const sweep::GridError&) {
  }
  return 0;
}
