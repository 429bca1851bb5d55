#include "sweep/coordinator.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>

#include "sweep/errors.h"
#include "sweep/mpi.h"
#include "sweep/protocol.h"

namespace sweep {
namespace {

using Clock = std::chrono::steady_clock;

// How long workers have to answer an abandon request (they check before every batch).
constexpr double kAbandonAnswerSeconds = 60;

void tell(const StopControl& stop, const std::string& text) {
  if (stop.note) stop.note(text);
}

// Takes the signal counts into `state`; true when they changed.
bool poll_signals(const StopControl& stop, StopState& state) {
  return stop.signals != nullptr && state.update(stop.signals->count(), stop.signals->interrupts());
}

std::string stop_text(const StopControl& stop, std::size_t running) {
  const int sig = stop.signals ? stop.signals->last() : 0;
  char grace[32];
  std::snprintf(grace, sizeof grace, "%g", stop.grace_seconds);
  return std::string(signal_name(sig)) + ": stopping; no more trials handed out; " +
         (running == 0
              ? std::string("none running")
              : "waiting up to " + std::string(grace) + " s for " + std::to_string(running) +
                    " running trial(s) (a second Ctrl-C abandons them now)");
}

}  // namespace

SweepOutcome coordinate(const std::vector<TrialSpec>& trials, const std::vector<std::size_t>& order,
                        int workers, const ResultSink& sink, const StopControl& stop,
                        const Ticker& tick) {
  SweepOutcome out;
  StopState state(stop.grace_seconds);
  std::size_t next = 0;
  std::map<int, std::size_t> running;  // worker rank -> index into trials
  int active = workers;
  bool abandon_sent = false;
  Clock::time_point abandon_at{};
  auto answer_overdue = [&] {
    return abandon_sent &&
           std::chrono::duration<double>(Clock::now() - abandon_at).count() > kAbandonAnswerSeconds;
  };
  // Wakes the wait when a signal comes, the grace time runs out or an answer is overdue.
  auto interrupt = [&] {
    if (tick) tick(running.size());
    if (poll_signals(stop, state)) return true;
    return (state.stopping() && !abandon_sent && state.abandon()) || answer_overdue();
  };
  while (active > 0) {
    std::optional<Message> got = wait_message_or(-1, interrupt);
    if (state.stopping() && out.signal == 0) {
      out.signal = stop.signals->last();
      tell(stop, stop_text(stop, running.size()));
    }
    if (state.stopping() && !abandon_sent && state.abandon()) {
      abandon_sent = true;
      abandon_at = Clock::now();
      if (!running.empty()) {
        tell(stop, "abandoning " + std::to_string(running.size()) +
                       " running trial(s); they run again on resume");
      }
      for (const auto& [rank, index] : running) send_message(rank, Tag::kAbandon, {});
    }
    if (answer_overdue()) throw MpiError("workers did not answer the abandon request within 60 s");
    if (!got) continue;
    const Message& m = *got;
    if (m.tag == Tag::kResult) {
      auto it = running.find(m.source);
      if (it == running.end())
        throw MpiError("rank " + std::to_string(m.source) + " sent a result it was never given");
      TrialResult r = decode_result(m.body);
      const TrialSpec& spec = trials[it->second];
      if (r.trial_id != spec.trial_id)
        throw MpiError("rank " + std::to_string(m.source) + " sent a result for the wrong trial");
      running.erase(it);
      if (r.status == Status::kAbandoned) {
        ++out.abandoned;
      } else {
        sink(spec, r);  // durable before this worker is given more work
      }
    } else if (m.tag != Tag::kReady) {
      throw MpiError("unexpected message tag " + std::to_string(static_cast<int>(m.tag)) +
                     " from rank " + std::to_string(m.source));
    }
    if (!state.stopping() && next < order.size()) {
      running[m.source] = order[next];
      send_message(m.source, Tag::kTrial, encode_spec(trials[order[next]]));
      ++next;
    } else {
      send_message(m.source, Tag::kStop, {});
      --active;
    }
  }
  return out;
}

void serve_as_worker(worker::DataCache& cache, const worker::WorkerContext& ctx) {
  send_message(0, Tag::kReady, {});
  while (true) {
    Message m = wait_message(0);
    if (m.tag == Tag::kStop) return;
    if (m.tag == Tag::kAbandon) continue;  // came after the trial it meant had ended
    if (m.tag != Tag::kTrial)
      throw MpiError("worker: unexpected message tag " + std::to_string(static_cast<int>(m.tag)));
    TrialSpec spec = decode_spec(m.body);
    bool abandon = false;
    TrialResult r = worker::run_trial(spec, cache, ctx, [&] {
      if (!abandon) abandon = take_message(0, Tag::kAbandon);
      return abandon;
    });
    send_message(0, Tag::kResult, encode_result(r));
  }
}

SweepOutcome run_locally(const std::vector<TrialSpec>& trials,
                         const std::vector<std::size_t>& order, worker::DataCache& cache,
                         const worker::WorkerContext& ctx, const ResultSink& sink,
                         const StopControl& stop, const Ticker& tick) {
  SweepOutcome out;
  StopState state(stop.grace_seconds);
  bool told = false;
  auto check = [&] {
    if (tick) tick(1);
    poll_signals(stop, state);
    if (state.stopping() && !told) {
      told = true;
      out.signal = stop.signals->last();
      tell(stop, stop_text(stop, 1));
    }
    return state.abandon();
  };
  for (std::size_t i : order) {
    if (check() || state.stopping()) break;
    TrialResult r = worker::run_trial(trials[i], cache, ctx, check);
    if (r.status == Status::kAbandoned) {
      ++out.abandoned;
      tell(stop, "abandoned the running trial; it runs again on resume");
      break;
    }
    sink(trials[i], r);
  }
  return out;
}

}  // namespace sweep
