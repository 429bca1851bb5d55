#include "sweep/data/data_check.h"

#include <chrono>
#include <map>

#include "sweep/data/cache_loader.h"
#include "worker/data/data_source.h"

namespace sweep {

worker::DataInfo check_data_sets(const std::vector<TrialSpec>& trials, DataCheck check,
                                 double* seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  std::map<worker::DataKey, worker::DataInfo> seen;
  worker::DataInfo first;
  bool have_first = false;
  for (const TrialSpec& t : trials) {
    if (worker::is_noop(t)) continue;
    const worker::DataKey key = worker::data_key_of(t);
    auto it = seen.find(key);
    if (it == seen.end()) {
      worker::DataInfo info =
          key.dataset == "hdf5" ? probe_cache(key.cache) : worker::probe_data(key);
      if (check == DataCheck::kWhole && key.dataset != "hdf5") worker::load_raw(key);
      it = seen.emplace(key, info).first;
    }
    if (!have_first) first = it->second;
    have_first = true;
  }
  if (seconds != nullptr) {
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return first;
}

}  // namespace sweep
