// The images of the mistakes a results file stores, read back from the data sets their trials
// used (IDX, CSV, folder or image cache), for the galleries of `sweep report`.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "results/report/report_data.h"
#include "results/store/store.h"
#include "worker/data/data_source.h"
#include "worker/data/raw_images.h"

namespace sweep {

class MistakeImageReader {
 public:
  // The images of `t`'s stored mistakes, each a PNG as a data: URL, read from the part of the
  // data set its eval_split names (test; val: an image cache's own validation split, else the
  // training part the rows were held out of). Each data set is read once per reader. When the
  // data set is not where the file says, or its rows no longer fit, no images and a note that
  // says why. Never throws for missing or changed data.
  results::MistakeImages operator()(const results::StoredTrial& t);

 private:
  struct Part {
    worker::RawImages images;
    std::string error;  // why it could not be read ("" when it was)
  };
  // The part `split` of the data set `key`, read on first use.
  const Part& part(const worker::DataKey& key, const std::string& split);

  std::map<std::pair<worker::DataKey, std::string>, Part> parts_;
};

// `bytes` in base64 (RFC 4648, with padding).
std::string base64(const std::string& bytes);

}  // namespace sweep
