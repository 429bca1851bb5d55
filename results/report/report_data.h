// What `sweep report` shows, computed from results files: the summary, the top trials, the
// metric per value of each swept key, parameter importance, every trial for the parallel
// coordinates, learning curves, the best trial's confusion matrix, the most confident mistakes
// of the best trials and the worker timeline.
// The page (results/report/report.js) only draws it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "results/store/store.h"

namespace sweep::results {

// One results file as read.
struct ReportSource {
  std::string path;
  StoreInfo info;
  std::vector<StoredTrial> trials;  // every row, in file order
};

// The images of a trial's stored mistakes, for the report's gallery: supplied by the caller,
// which can read data sets (this folder reads none).
struct MistakeImages {
  std::vector<std::string> images;  // a data: URL per stored mistake, in order; empty: none
  std::string note;                 // why there are no images ("" when there are)
};

struct ReportOptions {
  std::string by;             // metric, as `sweep rank --by` ("" = test_acc if any, else val_acc)
  std::size_t top = 10;       // rows of the top table
  std::size_t curves = 5;     // top trials whose learning curves are drawn
  std::string title;          // "" = "sweep report: " and the file names
  std::size_t galleries = 1;  // top trials whose most confident mistakes are shown
  // The images of a trial's mistakes (unset: the table without images).
  std::function<MistakeImages(const StoredTrial&)> mistake_images;
  double generated_unix = 0;
};

// The report's data as JSON text (its fields are documented in docs/commands.md). Trials stored
// more than once count once (best_per_trial over all files); the timeline shows every stored
// row. Missing values are null. Throws UsageError on an unknown metric.
std::string report_json(const std::vector<ReportSource>& sources, const ReportOptions& options);

}  // namespace sweep::results
