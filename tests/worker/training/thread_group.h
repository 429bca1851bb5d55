// A trial group in one process for tests: each member is a TrialGroup used by its own thread
// (all on one node: they share data sets), and the members' sums meet in a shared hub (a sum
// completes when every member has entered it, in member order, as a real group's would). A wait
// longer than the hub's deadline throws GroupBroken, so that a test whose members part ways fails
// instead of hanging.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "worker/trial_group.h"

namespace sweep::worker::test {

class ThreadHub {
 public:
  explicit ThreadHub(int size, std::chrono::seconds deadline = std::chrono::seconds(60))
      : size_(size),
        deadline_(deadline),
        values_(static_cast<std::size_t>(size)),
        texts_(static_cast<std::size_t>(size)),
        kinds_(static_cast<std::size_t>(size)) {}
  int size() const { return size_; }
  // Memory for node_memory, kept as long as the hub.
  std::uint8_t* allocate(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    blocks_.push_back(std::make_unique<std::vector<std::uint8_t>>(bytes));
    return blocks_.back()->data();
  }
  std::uint8_t* last_block() {
    std::lock_guard<std::mutex> lock(mutex_);
    return blocks_.back()->data();
  }
  // How many blocks node_memory allocated.
  std::size_t allocated() {
    std::lock_guard<std::mutex> lock(mutex_);
    return blocks_.size();
  }

  // Member `member` enters a collective of `kind` (what a real group would call: "sum",
  // "agree", "node_broadcast", "node_all", "node_memory") with `values` and `text`; returns,
  // once all have, the values summed in member order and every member's text. Throws GroupBroken
  // past the deadline, std::logic_error on every member when they did not all enter the same
  // kind (a real group's members would wait forever, or mix their data).
  std::pair<std::vector<double>, std::vector<std::string>> exchange(int member,
                                                                    std::vector<double> values,
                                                                    std::string text,
                                                                    const char* kind) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, deadline_, [&] { return !draining_; })) broken(member);
    values_[static_cast<std::size_t>(member)] = std::move(values);
    texts_[static_cast<std::size_t>(member)] = std::move(text);
    kinds_[static_cast<std::size_t>(member)] = kind;
    const long round = round_;
    if (++arrived_ == size_) {
      mixed_.clear();
      for (std::size_t m = 0; m < kinds_.size(); ++m) {
        if (kinds_[m] != kinds_.front()) {
          mixed_ = "member 1 entered " + kinds_.front() + ", member " + std::to_string(m + 1) +
                   " " + kinds_[m];
        }
      }
      sum_ = values_.front();
      for (std::size_t m = 1; m < values_.size(); ++m) {
        if (!mixed_.empty()) break;
        if (values_[m].size() != sum_.size()) throw std::logic_error("sums of different sizes");
        for (std::size_t i = 0; i < sum_.size(); ++i) sum_[i] += values_[m][i];
      }
      all_texts_ = texts_;
      arrived_ = 0;
      taken_ = 0;
      draining_ = true;
      ++round_;
      changed_.notify_all();
    } else if (!changed_.wait_for(lock, deadline_, [&] { return round_ != round; })) {
      broken(member);
    }
    auto out = std::make_pair(sum_, all_texts_);
    const std::string mixed = mixed_;
    if (++taken_ == size_) {
      draining_ = false;
      changed_.notify_all();
    }
    if (!mixed.empty()) throw std::logic_error("members in different collectives: " + mixed);
    return out;
  }

 private:
  [[noreturn]] void broken(int member) {
    throw GroupBroken("member " + std::to_string(member) + " waited past the test's deadline");
  }
  int size_;
  std::chrono::seconds deadline_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::vector<double>> values_;
  std::vector<std::string> texts_, all_texts_, kinds_;
  std::string mixed_;  // the last round's mismatch, if any
  std::vector<double> sum_;
  int arrived_ = 0, taken_ = 0;
  long round_ = 0;
  bool draining_ = false;
  std::vector<std::unique_ptr<std::vector<std::uint8_t>>> blocks_;
};

// One member of a ThreadHub's group; fails at `fault_point` (its `fault_count`-th time there)
// when one is set, as SWEEP_FAULT_INJECT makes a real member do.
class ThreadMember : public TrialGroup {
 public:
  ThreadMember(ThreadHub& hub, int member) : hub_(hub), member_(member) {}
  std::string fault_point;
  int fault_count = 1;
  bool fault_out_of_memory = false;  // LibTorch's out-of-memory error instead of an error
  Room room;                         // what node_memory_room says (no limit by default)
  // What this member did, in order: "sum" (a blocking sum), "start" (a gradient bucket's),
  // "start_doubles" (a step's small sum) and "wait" (for a started one).
  std::vector<std::string> events;

  int rank() const override { return member_; }
  int size() const override { return hub_.size(); }
  void sum(double* data, std::size_t n) override {
    events.push_back("sum");
    const std::vector<double> s =
        hub_.exchange(member_, std::vector<double>(data, data + n), "", "sum").first;
    std::copy(s.begin(), s.end(), data);
  }
  template <typename T>
  class Pending : public PendingSum {
   public:
    Pending(ThreadMember& m, T* data, std::size_t n) : m_(m), data_(data), n_(n) {}
    void wait() override {
      m_.events.push_back("wait");
      const std::vector<double> s =
          m_.hub_.exchange(m_.member_, std::vector<double>(data_, data_ + n_), "", "sum").first;
      for (std::size_t i = 0; i < n_; ++i) data_[i] = static_cast<T>(s[i]);
    }

   private:
    ThreadMember& m_;
    T* data_;
    std::size_t n_;
  };
  // The sum is made when it is waited for: every member waits for its sums in the same order,
  // so the members meet in the same sums.
  std::unique_ptr<PendingSum> start_sum(float* data, std::size_t n) override {
    ++started_;
    events.push_back("start");
    return std::make_unique<Pending<float>>(*this, data, n);
  }
  std::unique_ptr<PendingSum> start_sum_doubles(double* data, std::size_t n) override {
    events.push_back("start_doubles");
    return std::make_unique<Pending<double>>(*this, data, n);
  }
  void progress() override {}
  std::string agree(const std::string& failure) override {
    const auto texts =
        hub_.exchange(member_, {failure.empty() ? 0.0 : 1.0}, failure, "agree").second;
    for (std::size_t m = 0; m < texts.size(); ++m) {
      if (!texts[m].empty()) return "member " + std::to_string(m + 1) + ": " + texts[m];
    }
    return "";
  }
  // All members are on one node here.
  int node_rank() const override { return member_; }
  int node_size() const override { return hub_.size(); }
  std::string node_broadcast(const std::string& text) override {
    return hub_.exchange(member_, {}, member_ == 0 ? text : "", "node_broadcast").second.front();
  }
  bool node_all(bool ok) override {
    return hub_.exchange(member_, {ok ? 0.0 : 1.0}, "", "node_all").first.front() == 0.0;
  }
  std::uint8_t* node_memory(std::size_t bytes,
                            const std::function<void(std::uint8_t*)>& fill) override {
    std::string failure;
    if (member_ == 0) {
      try {
        fill(hub_.allocate(bytes));
      } catch (const std::exception& e) {
        failure = e.what();
      }
    }
    failure = hub_.exchange(member_, {}, member_ == 0 ? failure : "", "node_memory").second.front();
    if (!failure.empty()) throw std::runtime_error(failure);
    return hub_.last_block();
  }
  Room node_memory_room() const override { return room; }
  Fault inject_fault(const std::string& point) override {
    if (point != fault_point || ++reached_ != fault_count) return Fault::kNone;
    return fault_out_of_memory ? Fault::kOutOfMemory : Fault::kError;
  }
  std::size_t started() const { return started_; }

 private:
  ThreadHub& hub_;
  int member_;
  int reached_ = 0;
  std::size_t started_ = 0;
};

}  // namespace sweep::worker::test
