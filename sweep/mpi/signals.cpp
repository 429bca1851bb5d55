#include "sweep/mpi/signals.h"

#include <pthread.h>

#include <csignal>

namespace sweep {
namespace {

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGUSR1};

volatile std::sig_atomic_t g_count = 0;
volatile std::sig_atomic_t g_last = 0;
volatile std::sig_atomic_t g_interrupts = 0;
struct sigaction g_previous[3];

extern "C" void on_stop_signal(int sig) {
  g_count = g_count + 1;
  if (sig == SIGINT) g_interrupts = g_interrupts + 1;
  g_last = sig;
}

}  // namespace

StopSignals::StopSignals() {
  g_count = 0;
  g_last = 0;
  g_interrupts = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int i = 0; i < 3; ++i) sigaction(kStopSignals[i], &sa, &g_previous[i]);
  unblock_stop_signals();  // one that came since `sweep` blocked them reaches the handler now
}

void unblock_stop_signals() {
  sigset_t stop;
  sigemptyset(&stop);
  for (int sig : kStopSignals) sigaddset(&stop, sig);
  pthread_sigmask(SIG_UNBLOCK, &stop, nullptr);
}

StopSignals::~StopSignals() {
  for (int i = 0; i < 3; ++i) sigaction(kStopSignals[i], &g_previous[i], nullptr);
}

int StopSignals::count() const { return g_count; }
int StopSignals::last() const { return g_last; }
int StopSignals::interrupts() const { return g_interrupts; }

const char* signal_name(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGUSR1:
      return "SIGUSR1";
    default:
      return "a signal";
  }
}

bool StopState::update(int signal_count, int interrupt_count, Clock::time_point now) {
  if (signal_count == requests_ && interrupt_count == interrupts_) return false;
  if (requests_ == 0) first_ = now;
  requests_ = signal_count;
  interrupts_ = interrupt_count;
  return true;
}

bool StopState::abandon(Clock::time_point now) const {
  if (requests_ == 0) return false;
  return interrupts_ >= 2 || std::chrono::duration<double>(now - first_).count() >= grace_;
}

}  // namespace sweep
