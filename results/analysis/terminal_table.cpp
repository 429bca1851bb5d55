#include "results/analysis/terminal_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace sweep::results {

std::string format_number(double v, int prec) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

std::string render_columns(const std::vector<std::vector<std::string>>& cells) {
  std::vector<std::size_t> width;
  for (const auto& row : cells) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::ostringstream os;
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      os << (c ? "  " : "") << row[c] << std::string(width[c] - row[c].size(), ' ');
    }
    os << "\n";
  }
  return os.str();
}

}  // namespace sweep::results
