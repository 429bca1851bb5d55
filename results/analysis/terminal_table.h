// Plain-text tables for the terminal: number formatting and column alignment.
#pragma once

#include <string>
#include <vector>

namespace sweep::results {

// `v` with `prec` decimals, or "-" for NaN.
std::string format_number(double v, int prec);

// Rows of cells as left-aligned columns separated by two spaces, one line per row.
std::string render_columns(const std::vector<std::vector<std::string>>& cells);

}  // namespace sweep::results
