#include "results/store/store_robustness.h"

#include "results/store/detail_rows.h"
#include "results/store/store_schema.h"

namespace sweep::results {

void add_robustness_rows(const TrialResult& r, std::int64_t trial_row, std::vector<char>& rows,
                         std::size_t& count) {
  const RowLayout& l = robustness_layout();
  rows.resize(rows.size() + l.row_size() * r.robustness.size(), 0);
  for (const RobustnessPoint& x : r.robustness) {
    char* p = rows.data() + count++ * l.row_size();
    l.set_u64(p, 0, r.trial_id);
    l.set_str(p, 1, r.eval_split);
    l.set_str(p, 2, x.perturbation);
    l.set_f64(p, 3, x.level);
    l.set_f64(p, 4, x.accuracy);
    l.set_f64(p, 5, x.macro_f1);
    l.set_i64(p, 6, trial_row);
  }
}

RobustnessPoint robustness_point_of_row(const RowLayout& l, const char* p) {
  RobustnessPoint x;
  x.perturbation = l.get_text(p, 2);
  x.level = l.get_f64(p, 3);
  x.accuracy = l.get_f64(p, 4);
  x.macro_f1 = l.get_f64(p, 5);
  return x;
}

void read_robustness_rows(hid_t f, std::vector<StoredTrial>& out) {
  add_owned_rows(f, "robustness", robustness_layout(), out, [](const char* p, TrialResult& r) {
    r.robustness.push_back(robustness_point_of_row(robustness_layout(), p));
  });
}

}  // namespace sweep::results
