// The HDF5 results file: one writer (rank 0) appends each result as it arrives and flushes it;
// readers load whole tables for offline analysis. The writer holds an advisory lock and
// writes in HDF5's SWMR mode, so the file can be read while it grows and stays readable, with
// every flushed trial, when the writer is killed at any moment.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/trial.h"

namespace sweep::results {

class RowLayout;       // results/h5/table.h
class TrialRowReader;  // results/store/store_schema.h

// Root attributes of a results file.
struct StoreInfo {
  std::string grid_path, grid_text, command_line, program_version, dataset;
  std::string shard;        // "I-of-N" for a shard of an array job, "" for the whole grid
  std::string merged_from;  // for `sweep merge` output: "FILE\tSHARD\tTRIALS" per input
  std::string parameters;   // the parameter set the file was written for ("" = unknown)
  double created_unix = 0;
};

// A trial read back from a file: its result and its parameters (canonical text).
struct StoredTrial {
  TrialResult result;
  std::vector<std::pair<std::string, std::string>> params;
  // The value of parameter `key`, or "" when the file has no such column.
  std::string param(const std::string& key) const;
};

class Store {
 public:
  // Creates a new results file at `path` with empty tables and `info` as root attributes,
  // locked and in SWMR writing mode. Throws StoreError when the file exists or cannot be
  // created.
  static Store create(const std::string& path, const StoreInfo& info);
  // Opens an existing results file for appending: takes the writer lock, clears the marks a
  // killed writer left, drops detail rows of an append that a kill cut short, and starts SWMR
  // writing. Throws StoreMissingError when there is no such file, StoreFormatError when it is
  // not a sweep results file, StoreLockedError when another process is writing it, StoreError
  // when it cannot be opened.
  static Store open_append(const std::string& path);
  // Opens an existing results file read-only, also while a sweep writes it or after its
  // writer was killed. Throws as open_append (but takes no lock).
  static Store open_read(const std::string& path);

  // Appends the trial's new shared texts and its detail rows (epochs, confusion cells,
  // mistakes), then its trial row, and flushes the file, in that order: once this returns the
  // trial survives a kill of the process, and a trial row on disk always has its texts and
  // details. Throws StoreError.
  void append(const TrialSpec& spec, const TrialResult& result);

  // One finished trial of a batch (both pointers must stay valid during the call).
  struct Item {
    const TrialSpec* spec;
    const TrialResult* result;
  };
  // Appends several trials as append does, with one write per table and one flush for all
  // (much cheaper per trial than one append each): every detail row first, then the trial
  // rows, then the flush; after a kill inside it, a resume keeps the trials whose rows were
  // written whole and drops the rest. Throws StoreError.
  void append(const std::vector<Item>& items);

  // What read_trials reads besides the trials table.
  enum class Details {
    kAll,   // epochs, confusion matrices and mistakes (the report, curves, successive halving)
    kNone,  // the trials table only (rank, export, status lines): much less to read
  };
  // All trials, with their details as `details` says, in file order. Throws StoreError.
  std::vector<StoredTrial> read_trials(Details details = Details::kAll) const;
  // Reads the trials table block by block in the rows' own layout (no conversion where the
  // file allows), calling `visit` for each block, which holds rows `first` .. first + count - 1,
  // including any that an interrupted append left unwritten (TrialRowReader::read says so).
  // Memory: one block, whatever the file's size. Throws StoreError.
  struct TrialBlock {
    const RowLayout* layout;       // the rows' columns (results/h5/table.h)
    const TrialRowReader* reader;  // reads a row into a StoredTrial (results/store/store_schema.h)
    const char* rows;
    std::size_t count = 0, first = 0;
    std::size_t total = 0;  // rows in the table
    // Row j of the block (0 <= j < count).
    const char* row(std::size_t j) const;
  };
  void scan_trials(const std::function<void(const TrialBlock&)>& visit) const;
  // Reads each row of `rows` (indices into the trials table) whole, without details, in the
  // order given; an index past the end or a row left unwritten gives a StoredTrial with trial
  // id 0 and no params. Throws StoreError.
  std::vector<StoredTrial> read_trial_rows(const std::vector<std::size_t>& rows) const;
  // True when every detail table names its trial rows (all files but those of sweep 0.1, whose
  // details name trial ids only). Throws StoreError.
  bool details_by_row() const;
  // Reads the rows `rows` (indices into the trials table, strictly ascending) whole, with their
  // epochs, confusion matrices and mistakes, `batch` rows at a time, calling `visit` with each
  // batch in the order of `rows` (a row past the end or left unwritten: trial id 0, no params).
  // Memory: one batch and one block of each detail table, whatever the file's size. Throws
  // StoreError for a file of sweep 0.1 (see details_by_row; read_trials reads those) or detail rows
  // out of trial row order, std::invalid_argument when `rows` is not ascending.
  void read_whole_rows(const std::vector<std::size_t>& rows, std::size_t batch,
                       const std::function<void(std::vector<StoredTrial>&)>& visit) const;
  // Every stored trial id once with its best stored status (see best_per_trial), ascending by
  // id. Throws StoreError.
  std::vector<std::pair<std::uint64_t, Status>> stored_status() const;
  // True when open_append found the file as a killed writer left it (and repaired it).
  bool recovered() const;
  // Root attributes. Throws StoreError.
  StoreInfo info() const;
  const std::string& path() const { return path_; }

  struct File;  // the open HDF5 file (results/h5/h5.h), kept out of this header

  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

 private:
  Store(std::string path, std::unique_ptr<File> file);
  std::string path_;
  std::unique_ptr<File> file_;
};

// Which copy of a trial to keep when several are stored: lower is better (ok, then pruned,
// diverged, failed, abandoned).
int status_preference(Status s);

// One row per trial id, in the order ids first appear: the copy with the best status, and of
// copies with equal status the last one (a retried trial replaces its failed row).
std::vector<StoredTrial> best_per_trial(std::vector<StoredTrial> trials);

// True when a regular file exists at `path`.
bool file_exists(const std::string& path);

}  // namespace sweep::results
