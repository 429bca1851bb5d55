#include "results/store_recovery.h"

#include <cstdint>
#include <vector>

#include "results/store_schema.h"
#include "results/table.h"

namespace sweep::results {

namespace {

// The trial ids of the rows of `trials`, 0 for a row that an append cut short left unwritten
// (real rows always have a status).
std::vector<std::uint64_t> trial_row_ids(hid_t f) {
  const RowLayout cols(
      {{"trial_id", ColType::kU64, 0, 0}, {"status", ColType::kStr, kShortLen, 0}});
  std::size_t n = 0;
  std::vector<char> rows = read_rows(f, "trials", cols, &n);
  std::vector<std::uint64_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) {
    const char* row = rows.data() + i * cols.row_size();
    ids[i] = cols.get_text(row, 1).empty() ? 0 : cols.get_u64(row, 0);
  }
  return ids;
}

}  // namespace

std::size_t drop_unfinished_appends(hid_t f) {
  std::vector<std::uint64_t> ids = trial_row_ids(f);
  while (!ids.empty() && ids.back() == 0) ids.pop_back();
  truncate_rows(f, "trials", ids.size());
  const RowLayout cols({{"trial_id", ColType::kU64, 0, 0}, {"trial_row", ColType::kI64, 0, 0}});
  for (const char* table : {"epochs", "confusion", "per_class", "mistakes"}) {
    if (!has_table(f, table) || !has_column(f, table, "trial_row")) continue;  // older files
    std::size_t n = 0;
    std::vector<char> rows = read_rows(f, table, cols, &n);
    std::size_t keep = n;
    while (keep > 0) {
      const char* row = rows.data() + (keep - 1) * cols.row_size();
      const std::int64_t r = cols.get_i64(row, 1);
      if (r >= 0 && static_cast<std::size_t>(r) < ids.size() && ids[r] != 0 &&
          ids[r] == cols.get_u64(row, 0)) {
        break;
      }
      --keep;
    }
    truncate_rows(f, table, keep);
  }
  return ids.size();
}

}  // namespace sweep::results
