#include "results/store/store_mistakes.h"

#include "results/store/detail_rows.h"
#include "results/store/store_schema.h"

namespace sweep::results {

void add_mistake_rows(const TrialResult& r, std::int64_t trial_row, std::vector<char>& rows,
                      std::size_t& count) {
  const RowLayout& l = mistakes_layout();
  rows.resize(rows.size() + l.row_size() * r.mistakes.size(), 0);
  for (const Mistake& m : r.mistakes) {
    char* p = rows.data() + count++ * l.row_size();
    l.set_u64(p, 0, r.trial_id);
    l.set_str(p, 1, r.eval_split);
    l.set_i64(p, 2, m.row);
    l.set_i64(p, 3, m.true_label);
    l.set_i64(p, 4, m.predicted);
    l.set_f64(p, 5, m.probability);
    l.set_i64(p, 6, trial_row);
  }
}

void read_mistake_rows(hid_t f, std::vector<StoredTrial>& out) {
  add_owned_rows(f, "mistakes", mistakes_layout(), out, [](const char* p, TrialResult& r) {
    r.mistakes.push_back(mistake_of_row(mistakes_layout(), p));
  });
}

}  // namespace sweep::results
