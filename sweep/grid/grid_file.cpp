// Reading a grid file: Boost.Program_options parses the INI text; a line scan of the same text
// supplies the line numbers that Boost does not report.
#include <boost/program_options.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "core/keys.h"
#include "sweep/grid/grid.h"
#include "sweep/grid/grid_values.h"

namespace po = boost::program_options;

namespace sweep {
namespace {

struct LineKey {
  int line;
  std::string section;
  std::string key;
};

// Finds every `key = value` line, its section and line number, in file order; throws on lines
// Boost would reject, so that the message can carry the line.
std::vector<LineKey> scan_lines(const std::string& text, const std::string& path) {
  std::vector<LineKey> out;
  std::istringstream in(text);
  std::string raw;
  std::string section;
  int n = 0;
  while (std::getline(in, raw)) {
    ++n;
    std::string line = trim(raw.substr(0, raw.find('#')));
    if (line.empty() || line[0] == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']')
        throw GridError(path + ":" + std::to_string(n) + ": bad section line '" + line + "'");
      section = trim(line.substr(1, line.size() - 2));
      if (section != "grid") {
        throw GridError(path + ":" + std::to_string(n) + ": unknown section [" + section +
                        "]; only top-level keys and a [grid] section are allowed");
      }
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos || trim(line.substr(0, eq)).empty()) {
      throw GridError(path + ":" + std::to_string(n) + ": expected 'key = value', found '" + line +
                      "'");
    }
    out.push_back({n, section, trim(line.substr(0, eq))});
  }
  return out;
}

std::string where(const std::string& path, int line) { return path + ":" + std::to_string(line); }

}  // namespace

Grid parse_grid_text(const std::string& file_text, const std::string& path) {
  // A UTF-8 byte-order mark (some Windows editors write one) is not part of the first key.
  const std::string bom = "\xEF\xBB\xBF";
  const std::string text = file_text.rfind(bom, 0) == 0 ? file_text.substr(bom.size()) : file_text;
  std::vector<LineKey> lines = scan_lines(text, path);
  po::options_description none;
  std::vector<po::option> opts;
  try {
    std::istringstream in(text);
    opts = po::parse_config_file(in, none, /*allow_unregistered=*/true).options;
  } catch (const po::error& e) {
    throw GridError(path + ": " + e.what());
  }
  if (opts.size() != lines.size()) {
    throw GridError(path + ": could not parse the file (" + std::to_string(opts.size()) +
                    " keys read, " + std::to_string(lines.size()) + " key lines found)");
  }
  Grid grid;
  grid.path = path;
  grid.text = text;
  std::set<std::string> search_keys;
  for (std::size_t i = 0; i < opts.size(); ++i) {
    const LineKey& lk = lines[i];
    const std::string at = where(path, lk.line);
    const std::string value = opts[i].value.empty() ? "" : trim(opts[i].value.front());
    if (is_search_setting(lk.key)) {
      if (lk.section == "grid") {
        throw GridError(at + ": key '" + lk.key +
                        "' is a search setting; set it once at the top of the file");
      }
      if (!search_keys.insert(lk.key).second) {
        throw GridError(at + ": key '" + lk.key + "' is set twice");
      }
      try {
        set_search_setting(grid.search, lk.key, value, at);
      } catch (const GridError& e) {
        throw GridError(at + ": " + e.what());
      }
      continue;
    }
    const KeySpec* spec = find_key(lk.key);
    if (spec == nullptr) {
      std::string hint = closest_key_hint(lk.key);
      throw GridError(at + ": unknown key '" + lk.key + "'" + hint);
    }
    if (const GridEntry* prev = grid.find(lk.key)) {
      throw GridError(at + ": key '" + lk.key + "' is set twice (also at " + prev->origin + ")");
    }
    GridEntry entry;
    entry.key = lk.key;
    entry.origin = at;
    entry.axis = lk.section == "grid";
    if (entry.axis && !spec->axis) {
      throw GridError(at + ": key '" + lk.key +
                      "' cannot be swept; set it once at the top of the file");
    }
    try {
      entry.dist = entry.axis ? parse_distribution(*spec, value) : std::nullopt;
      if (!entry.dist) {
        entry.values = entry.axis ? parse_value_list(*spec, value)
                                  : std::vector<std::string>{parse_single_value(*spec, value)};
      }
    } catch (const GridError& e) {
      throw GridError(at + ": " + e.what());
    }
    grid.entries.push_back(std::move(entry));
  }
  return grid;
}

Grid read_grid_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw GridError(path + ": cannot open the grid file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw GridError(path + ": cannot read the grid file");
  return parse_grid_text(ss.str(), path);
}

}  // namespace sweep
