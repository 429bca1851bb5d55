#include "sweep/mpi/coordinator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include "core/errors.h"
#include "sweep/mpi/poll_ceiling.h"
#include "sweep/mpi/protocol.h"
#include "sweep/mpi/session.h"

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

worker::TrainSpan span_of(const Job& job) {
  worker::TrainSpan s;
  s.from_epoch = job.from_epoch;
  s.to_epoch = job.to_epoch;
  s.load_from = job.load_from;
  s.save_to = job.save_to;
  s.checkpoint_to = job.checkpoint_to;
  return s;
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

SweepOutcome coordinate(WorkSource& work, int workers, const ResultSink& sink,
                        const StopControl& stop, const Ticker& tick, const WaitPolicy& wait,
                        const EpochReports& epochs) {
  SweepOutcome out;
  StopState state(stop.grace_seconds);
  std::map<int, Job> running;                         // worker rank -> its job
  std::map<int, std::vector<EpochMetrics>> reported;  // worker rank -> its job's epochs so far
  std::vector<int> idle;                              // workers waiting for a job to become ready
  int active = workers;
  Outbox outbox;
  PollCeiling ceiling;
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
  // Gives ready jobs to idle workers; stops them when no job will come (or after a stop).
  auto dispatch = [&] {
    while (!idle.empty() && !state.stopping()) {
      std::optional<Job> job = work.next();
      if (!job) break;
      const int w = idle.back();
      idle.pop_back();
      outbox.send(w, Tag::kTrial, encode_job(*job));
      running[w] = std::move(*job);
    }
    if (idle.empty()) return;
    if (state.stopping() || work.exhausted()) {
      for (int w : idle) outbox.send(w, Tag::kStop, {});
      active -= static_cast<int>(idle.size());
      idle.clear();
    } else if (running.empty()) {
      throw std::logic_error("the scheduler has no job, none is running, and it is not done");
    }
  };
  while (active > 0) {
    WaitPolicy now = wait;
    now.ceiling_us = ceiling.ceiling_us();
    std::optional<Message> got = wait_message_or(-1, interrupt, now);
    if (state.stopping() && out.signal == 0) {
      out.signal = stop.signals->last();
      tell(stop, stop_text(stop, running.size()));
      dispatch();  // idle workers stop now
    }
    if (state.stopping() && !abandon_sent && state.abandon()) {
      abandon_sent = true;
      abandon_at = Clock::now();
      if (!running.empty()) {
        tell(stop, "abandoning " + std::to_string(running.size()) +
                       " running trial(s); they run again on resume");
      }
      for (const auto& [rank, job] : running) outbox.send(rank, Tag::kAbandon, {});
    }
    if (answer_overdue()) throw MpiError("workers did not answer the abandon request within 60 s");
    if (!got) continue;
    // Every message already waiting is taken now, so that their results are stored together
    // (one write and one flush for all: what makes short trials cheap to store).
    std::vector<FinishedJob> finished;
    for (std::optional<Message> m = std::move(got); m; m = poll_message()) {
      if (m->tag == Tag::kEpoch) {
        auto it = running.find(m->source);
        const EpochReport e = decode_epoch(m->body);
        if (it == running.end() || e.trial_id != it->second.spec.trial_id) {
          throw MpiError("rank " + std::to_string(m->source) +
                         " reported an epoch of a trial it is not running");
        }
        std::vector<EpochMetrics>& so_far = reported[m->source];
        so_far.push_back(e.metrics);
        if (epochs.seen) epochs.seen(it->second, e.metrics);
        if (it->second.await_verdict) {
          const std::string verdict = epochs.judge ? epochs.judge(it->second, so_far) : "";
          outbox.send(m->source, Tag::kVerdict, encode_text(verdict));
        }
        continue;  // the worker trains on: not idle
      }
      if (m->tag == Tag::kResult) {
        reported.erase(m->source);
        auto it = running.find(m->source);
        if (it == running.end())
          throw MpiError("rank " + std::to_string(m->source) + " sent a result it was never given");
        FinishedJob f{std::move(it->second), decode_result(m->body)};
        running.erase(it);
        if (f.result.trial_id != f.job.spec.trial_id)
          throw MpiError("rank " + std::to_string(m->source) +
                         " sent a result for the wrong trial");
        f.result.rung = f.job.rung;
        if (f.result.status == Status::kAbandoned) {
          ++out.abandoned;
          work.abandoned(f.job);
        } else {
          finished.push_back(std::move(f));
        }
      } else if (m->tag != Tag::kReady) {
        throw MpiError("unexpected message tag " + std::to_string(static_cast<int>(m->tag)) +
                       " from rank " + std::to_string(m->source));
      }
      idle.push_back(m->source);
    }
    if (!finished.empty()) {
      sink(finished);  // durable before these workers are given more work
      for (const FinishedJob& f : finished) {
        ceiling.observe(f.result.wall_seconds);
        work.finished(f.job, f.result);
      }
    }
    dispatch();
    outbox.progress();
  }
  outbox.finish();
  return out;
}

void serve_as_worker(worker::DataCache& cache, const worker::WorkerContext& ctx,
                     const WaitPolicy& wait, GroupComm* group) {
  send_message(0, Tag::kReady, {});
  PollCeiling ceiling;  // short trials: the next job is looked for more often
  while (true) {
    WaitPolicy now = wait;
    now.ceiling_us = ceiling.ceiling_us();
    now.soon_us = 100000;  // rank 0 answers a result at once: look often for the first 0.1 s
    Message m = wait_message(0, now);
    if (m.tag == Tag::kStop) {
      if (group != nullptr) group->tell_members(Tag::kStop, {});
      return;
    }
    // An abandon request or a verdict that came after the trial it meant had ended.
    if (m.tag == Tag::kAbandon || m.tag == Tag::kVerdict) continue;
    if (m.tag != Tag::kTrial)
      throw MpiError("worker: unexpected message tag " + std::to_string(static_cast<int>(m.tag)));
    const Job job = decode_job(m.body);
    if (group != nullptr) group->tell_members(Tag::kTrial, m.body);
    bool abandon = false;
    // Each epoch goes to rank 0; a job that awaits a verdict waits for it (an abandon request
    // may come first: the trial then ends at its next batch).
    const worker::EpochHook hook = [&](const EpochMetrics& m) -> std::string {
      send_message(0, Tag::kEpoch, encode_epoch({job.spec.trial_id, m}));
      if (!job.await_verdict || abandon) return "";
      WaitPolicy answer = wait;
      answer.soon_us = 100000;  // rank 0 answers at once
      while (true) {
        Message v = wait_message(0, answer);
        if (v.tag == Tag::kVerdict) return decode_text(v.body);
        if (v.tag == Tag::kAbandon) {
          abandon = true;
          return "";
        }
        throw MpiError("worker: unexpected message tag " + std::to_string(static_cast<int>(v.tag)) +
                       " while waiting for a verdict");
      }
    };
    TrialResult r = worker::run_trial(
        job.spec, cache, ctx,
        [&] {
          if (!abandon) abandon = take_message(0, Tag::kAbandon);
          return abandon;
        },
        span_of(job), group == nullptr ? hook : nullptr);
    ceiling.observe(r.wall_seconds);
    send_message(0, Tag::kResult, encode_result(r));
  }
}

void serve_as_member(worker::DataCache& cache, const worker::WorkerContext& ctx, GroupComm& group,
                     const WaitPolicy& wait) {
  while (true) {
    Message m = group.wait_leader(wait);
    if (m.tag == Tag::kStop) return;
    if (m.tag != Tag::kTrial) {
      throw MpiError("group member: unexpected message tag " +
                     std::to_string(static_cast<int>(m.tag)));
    }
    const Job job = decode_job(m.body);
    worker::run_trial(job.spec, cache, ctx, nullptr, span_of(job));  // the leader reports it
  }
}

SweepOutcome run_locally(WorkSource& work, worker::DataCache& cache,
                         const worker::WorkerContext& ctx, const ResultSink& sink,
                         const StopControl& stop, const Ticker& tick, const EpochReports& epochs) {
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
  while (!check() && !state.stopping()) {
    std::optional<Job> job = work.next();
    if (!job) {
      if (work.exhausted()) break;
      throw std::logic_error("the scheduler has no job, none is running, and it is not done");
    }
    std::vector<FinishedJob> finished(1);
    FinishedJob& f = finished.front();
    f.job = std::move(*job);
    std::vector<EpochMetrics> so_far;
    const worker::EpochHook hook = [&](const EpochMetrics& m) -> std::string {
      so_far.push_back(m);
      if (epochs.seen) epochs.seen(f.job, m);
      return f.job.await_verdict && epochs.judge ? epochs.judge(f.job, so_far) : "";
    };
    f.result = worker::run_trial(f.job.spec, cache, ctx, check, span_of(f.job), hook);
    f.result.rung = f.job.rung;
    if (f.result.status == Status::kAbandoned) {
      ++out.abandoned;
      work.abandoned(f.job);
      tell(stop, "abandoned the running trial; it runs again on resume");
      break;
    }
    sink(finished);
    work.finished(f.job, f.result);
  }
  return out;
}

}  // namespace sweep
