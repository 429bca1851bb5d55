#include "sweep/mpi/session.h"

#include <mpi.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <list>
#include <thread>
#include <vector>

#include "core/errors.h"

namespace sweep {
namespace {

// Owns a communicator made by a split; frees it in the destructor.
class Comm {
 public:
  explicit Comm(MPI_Comm c) : c_(c) {}
  ~Comm() {
    if (c_ != MPI_COMM_NULL) MPI_Comm_free(&c_);
  }
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;
  MPI_Comm get() const { return c_; }

 private:
  MPI_Comm c_;
};

// Sleeps a little longer each time it is called without progress: first polls spin for
// policy.spin_us (an answer to a message just sent usually comes within 200 us: a round trip
// without any sleep), then sleeps grow from 50 us to policy.ceiling_us (to
// policy.soon_ceiling_us during the first policy.soon_us). A waiting rank thus
// wakes ~100 times a second at the default 10 ms ceiling (measured 1% of a core at a 2 ms
// ceiling), and a message waits at most the ceiling to be seen.
class Backoff {
 public:
  explicit Backoff(const WaitPolicy& policy = {})
      : policy_(policy),
        start_(std::chrono::steady_clock::now()),
        sleep_us_(std::min(50, std::max(1, policy.ceiling_us))) {}
  void pause() {
    const auto waited = std::chrono::steady_clock::now() - start_;
    if (spinning_ && waited < std::chrono::microseconds(policy_.spin_us)) {
      if (policy_.yield) std::this_thread::yield();
      return;
    }
    spinning_ = false;
    std::this_thread::sleep_for(std::chrono::microseconds(sleep_us_));
    const bool soon = waited < std::chrono::microseconds(policy_.soon_us);
    const int ceiling = std::max(
        1, soon ? std::min(policy_.soon_ceiling_us, policy_.ceiling_us) : policy_.ceiling_us);
    sleep_us_ = std::min(sleep_us_ * 2, ceiling);
  }

 private:
  WaitPolicy policy_;
  std::chrono::steady_clock::time_point start_;
  int sleep_us_;
  bool spinning_ = true;
};

void wait_request(MPI_Request* req, const char* what) {
  Backoff b;
  int done = 0;
  while (true) {
    mpi_check(MPI_Test(req, &done, MPI_STATUS_IGNORE), what);
    if (done) return;
    b.pause();
  }
}

}  // namespace

WaitPolicy wait_policy_for(int local_ranks, int cores) {
  WaitPolicy p;
  p.spin_us = 200;
  p.yield = local_ranks > cores;
  return p;
}

void mpi_check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw MpiError(std::string(what) + ": " + std::string(text, len));
}

MpiSession::MpiSession(int* argc, char*** argv) {
  mpi_check(MPI_Init(argc, argv), "MPI_Init");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  mpi_check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

MpiSession::~MpiSession() { MPI_Finalize(); }

std::string MpiSession::host() const {
  char name[MPI_MAX_PROCESSOR_NAME];
  int len = 0;
  if (MPI_Get_processor_name(name, &len) != MPI_SUCCESS) return "unknown";
  return std::string(name, len);
}

void MpiSession::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

NodeFacts node_facts(const MpiSession& mpi) {
  MPI_Comm raw = MPI_COMM_NULL;
  mpi_check(
      MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, mpi.rank(), MPI_INFO_NULL, &raw),
      "MPI_Comm_split_type");
  Comm local(raw);
  NodeFacts f;
  mpi_check(MPI_Comm_size(local.get(), &f.local_ranks), "MPI_Comm_size");
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) != 0) {
    for (int c = 0; c < static_cast<int>(std::thread::hardware_concurrency()); ++c)
      CPU_SET(c, &mask);
  }
  f.own_cores = std::max(1, CPU_COUNT(&mask));
  const int words = static_cast<int>(sizeof mask / sizeof(unsigned long));
  std::vector<unsigned long> mine(words), all(words);
  std::memcpy(mine.data(), &mask, sizeof mask);
  mpi_check(MPI_Allreduce(mine.data(), all.data(), words, MPI_UNSIGNED_LONG, MPI_BOR, local.get()),
            "MPI_Allreduce of CPU masks");
  cpu_set_t any;
  std::memcpy(&any, all.data(), sizeof any);
  f.cores = std::max(1, CPU_COUNT(&any));
  int here = mpi.rank() == 0 ? 1 : 0, count = 0;
  mpi_check(MPI_Allreduce(&here, &count, 1, MPI_INT, MPI_SUM, local.get()), "MPI_Allreduce");
  f.coordinator_here = count > 0 && mpi.size() > 1;
  int local_rank = 0;  // ranks are ordered by world rank, so rank 0 is first on its node
  mpi_check(MPI_Comm_rank(local.get(), &local_rank), "MPI_Comm_rank");
  f.local_worker = std::max(0, local_rank - (f.coordinator_here ? 1 : 0));
  int world_rank = mpi.rank();
  mpi_check(MPI_Allreduce(&world_rank, &f.node, 1, MPI_INT, MPI_MIN, local.get()),
            "MPI_Allreduce of the node id");
  return f;
}

std::vector<int> nodes_of_all_ranks(const MpiSession& mpi, const NodeFacts& mine) {
  std::vector<int> all(static_cast<std::size_t>(mpi.size()), 0);
  int node = mine.node;
  mpi_check(MPI_Allgather(&node, 1, MPI_INT, all.data(), 1, MPI_INT, MPI_COMM_WORLD),
            "MPI_Allgather of the nodes");
  return all;
}

struct Outbox::Impl {
  struct Pending {
    MPI_Request request = MPI_REQUEST_NULL;
    Bytes body;  // must live until the send completes
  };
  std::list<Pending> sends;
};

Outbox::Outbox() : impl_(std::make_unique<Impl>()) {}

Outbox::~Outbox() {
  // After finish() nothing is pending. Sends still pending here mean an error is unwinding
  // towards MPI_Abort: waiting could hang on a rank that no longer polls, so each request is
  // released and its buffer left allocated for MPI to finish reading (a few bytes, once).
  for (auto& p : impl_->sends) {
    int done = 0;
    if (MPI_Test(&p.request, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && done) continue;
    MPI_Request_free(&p.request);
    static_cast<void>(new Bytes(std::move(p.body)));  // never freed: MPI may still read it
  }
}

void Outbox::send(int dest, Tag tag, Bytes body) {
  impl_->sends.emplace_back();
  Impl::Pending& p = impl_->sends.back();
  p.body = std::move(body);
  const int rc = MPI_Isend(p.body.data(), static_cast<int>(p.body.size()), MPI_BYTE, dest,
                           static_cast<int>(tag), MPI_COMM_WORLD, &p.request);
  if (rc != MPI_SUCCESS) impl_->sends.pop_back();
  mpi_check(rc, "MPI_Isend");
}

void Outbox::progress() {
  for (auto it = impl_->sends.begin(); it != impl_->sends.end();) {
    int done = 0;
    mpi_check(MPI_Test(&it->request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    it = done ? impl_->sends.erase(it) : std::next(it);
  }
}

void Outbox::finish() {
  Backoff b;
  for (progress(); !impl_->sends.empty(); progress()) b.pause();
}

std::size_t Outbox::pending() const { return impl_->sends.size(); }

void send_message(int dest, Tag tag, const Bytes& body) {
  mpi_check(MPI_Send(body.data(), static_cast<int>(body.size()), MPI_BYTE, dest,
                     static_cast<int>(tag), MPI_COMM_WORLD),
            "MPI_Send");
}

std::optional<Message> wait_message_or(int source, const std::function<bool()>& give_up,
                                       const WaitPolicy& policy) {
  Backoff b(policy);
  MPI_Message handle;
  MPI_Status st;
  int found = 0;
  while (true) {
    mpi_check(MPI_Improbe(source < 0 ? MPI_ANY_SOURCE : source, MPI_ANY_TAG, MPI_COMM_WORLD, &found,
                          &handle, &st),
              "MPI_Improbe");
    if (found) break;
    if (give_up && give_up()) return std::nullopt;
    b.pause();
  }
  int n = 0;
  mpi_check(MPI_Get_count(&st, MPI_BYTE, &n), "MPI_Get_count");
  Message m;
  m.source = st.MPI_SOURCE;
  m.tag = static_cast<Tag>(st.MPI_TAG);
  m.body.resize(static_cast<std::size_t>(n));
  mpi_check(MPI_Mrecv(m.body.data(), n, MPI_BYTE, &handle, MPI_STATUS_IGNORE), "MPI_Mrecv");
  return m;
}

std::optional<Message> poll_message() {
  return wait_message_or(-1, [] { return true; });
}

Message wait_message(int source, const WaitPolicy& policy) {
  return *wait_message_or(source, nullptr, policy);
}

bool take_message(int source, Tag tag) {
  MPI_Message handle;
  MPI_Status st;
  int found = 0;
  mpi_check(MPI_Improbe(source, static_cast<int>(tag), MPI_COMM_WORLD, &found, &handle, &st),
            "MPI_Improbe");
  if (!found) return false;
  int n = 0;
  mpi_check(MPI_Get_count(&st, MPI_BYTE, &n), "MPI_Get_count");
  Bytes body(static_cast<std::size_t>(std::max(n, 1)));
  mpi_check(MPI_Mrecv(body.data(), n, MPI_BYTE, &handle, MPI_STATUS_IGNORE), "MPI_Mrecv");
  return true;
}

void polled_barrier() {
  MPI_Request req;
  mpi_check(MPI_Ibarrier(MPI_COMM_WORLD, &req), "MPI_Ibarrier");
  wait_request(&req, "MPI_Ibarrier");
}

int polled_broadcast(int value) {
  MPI_Request req;
  mpi_check(MPI_Ibcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD, &req), "MPI_Ibcast");
  wait_request(&req, "MPI_Ibcast");
  return value;
}

}  // namespace sweep
