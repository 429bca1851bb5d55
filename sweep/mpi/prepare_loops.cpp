#include "sweep/mpi/prepare_loops.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "sweep/mpi/session.h"

namespace sweep {

void coordinate_prepare(std::int64_t n, std::int64_t chunk, int workers,
                        const std::function<void(PreparedImage)>& take) {
  std::int64_t next = 0;
  while (workers > 0) {
    Message m = wait_message(-1);
    if (m.tag == Tag::kResult) {
      for (PreparedImage& p : decode_prepared(m.body)) take(std::move(p));
    }
    if (next < n) {
      send_message(m.source, Tag::kTrial, encode_range({next, std::min(n, next + chunk)}));
      next += chunk;
    } else {
      send_message(m.source, Tag::kStop, {});
      --workers;
    }
  }
}

void serve_prepare(const std::function<PreparedImage(std::int64_t)>& prepare) {
  send_message(0, Tag::kReady, {});
  while (true) {
    Message m = wait_message(0);
    if (m.tag == Tag::kStop) return;
    const ImageRange r = decode_range(m.body);
    std::vector<PreparedImage> done;
    for (std::int64_t i = r.begin; i < r.end; ++i) done.push_back(prepare(i));
    send_message(0, Tag::kResult, encode_prepared(done));
  }
}

}  // namespace sweep
