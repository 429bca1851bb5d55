#include "sweep/coordinator.h"

#include <map>

#include "sweep/errors.h"
#include "sweep/mpi.h"
#include "sweep/protocol.h"

namespace sweep {

void coordinate(const std::vector<TrialSpec>& trials, const std::vector<std::size_t>& order,
                int workers, const ResultSink& sink) {
  std::size_t next = 0;
  std::map<int, std::size_t> running;  // worker rank -> index into trials
  int active = workers;
  while (active > 0) {
    Message m = wait_message(-1);
    if (m.tag == Tag::kResult) {
      auto it = running.find(m.source);
      if (it == running.end())
        throw MpiError("rank " + std::to_string(m.source) + " sent a result it was never given");
      TrialResult r = decode_result(m.body);
      const TrialSpec& spec = trials[it->second];
      if (r.trial_id != spec.trial_id)
        throw MpiError("rank " + std::to_string(m.source) + " sent a result for the wrong trial");
      running.erase(it);
      sink(spec, r);  // durable before this worker is given more work
    } else if (m.tag != Tag::kReady) {
      throw MpiError("unexpected message tag " + std::to_string(static_cast<int>(m.tag)) +
                     " from rank " + std::to_string(m.source));
    }
    if (next < order.size()) {
      running[m.source] = order[next];
      send_message(m.source, Tag::kTrial, encode_spec(trials[order[next]]));
      ++next;
    } else {
      send_message(m.source, Tag::kStop, {});
      --active;
    }
  }
}

void serve_as_worker(worker::DataCache& cache, const worker::WorkerContext& ctx) {
  send_message(0, Tag::kReady, {});
  while (true) {
    Message m = wait_message(0);
    if (m.tag == Tag::kStop) return;
    if (m.tag != Tag::kTrial)
      throw MpiError("worker: unexpected message tag " + std::to_string(static_cast<int>(m.tag)));
    TrialSpec spec = decode_spec(m.body);
    TrialResult r = worker::run_trial(spec, cache, ctx);
    send_message(0, Tag::kResult, encode_result(r));
  }
}

void run_locally(const std::vector<TrialSpec>& trials, const std::vector<std::size_t>& order,
                 worker::DataCache& cache, const worker::WorkerContext& ctx,
                 const ResultSink& sink) {
  for (std::size_t i : order) sink(trials[i], worker::run_trial(trials[i], cache, ctx));
}

}  // namespace sweep
