#include "results/store/store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>

#include "core/class_metrics.h"
#include "core/keys.h"
#include "results/h5/attributes.h"
#include "results/h5/file_access.h"
#include "results/store/detail_rows.h"
#include "results/store/store_activations.h"
#include "results/store/store_calibration.h"
#include "results/store/store_file.h"
#include "results/store/store_mistakes.h"
#include "results/store/store_recovery.h"
#include "results/store/store_robustness.h"
#include "results/store/store_schema.h"
#include "results/store/texts.h"

namespace sweep::results {
namespace {

constexpr const char* kFormat = "sweep-results";
// 2: the trials table's text columns are numbers into the texts table (results/store/texts.h);
// files of version 1 keep their texts in the rows, are read as before, and stay version 1
// when a sweep appends to them.
constexpr int kFormatVersion = 2;

// Rows per chunk. HDF5's chunk index keeps each of its blocks under the 4 KiB file space page
// (the kill -9 protection of create_file) up to 8,180 chunks a table: with these, 1,047,040
// trials (392 KB chunks), 8.4 million epoch rows, 16.8 million per-class rows (10 a trial of
// 10 classes) and 33.5 million confusion cells and mistakes (32 a trial by default): a
// million trials of 10 classes and 3 epochs. Files written before keep their chunks (64 trial
// rows, 1,024 per-class and mistake rows).
constexpr std::size_t kTrialsChunkRows = 128;
constexpr std::size_t kDetailChunkRows = 1024;
constexpr std::size_t kPerClassChunkRows = 2048;
constexpr std::size_t kConfusionChunkRows = 4096;

// The cells among the first `cells` of a confusion matrix that are not zero.
std::size_t nonzero_cells(const std::vector<std::int64_t>& confusion, std::size_t cells) {
  return static_cast<std::size_t>(
      std::count_if(confusion.begin(), confusion.begin() + static_cast<std::ptrdiff_t>(cells),
                    [](std::int64_t c) { return c != 0; }));
}

// Throws StoreMissingError when `path` is missing, StoreFormatError when it is not an HDF5 file.
void check_exists(const std::string& path) {
  if (!file_exists(path)) throw StoreMissingError(path + ": no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw StoreFormatError(path + ": not an HDF5 file");
}

// Throws StoreFormatError unless the open file `f` is a sweep results file this version reads.
void check_format(hid_t f, const std::string& path) {
  if (read_str_attr(f, "format") != kFormat) {
    throw StoreFormatError(path +
                           ": not a sweep results file (no format = sweep-results attribute)");
  }
  double v = read_num_attr(f, "format_version");
  if (v > kFormatVersion) {
    throw StoreFormatError(path + ": written by a newer sweep (format version " +
                           std::to_string(v) + ")");
  }
}

}  // namespace

// True when the trials table of `f` names its texts by number (format version 2).
bool has_text_refs(hid_t f) { return has_table(f, kTextsTable); }

// The layout the trials table of `f` is read in with conversion, its texts bound.
RowLayout converting_trials_layout(hid_t f) {
  if (!has_text_refs(f)) return legacy_trials_layout();
  RowLayout l = trials_layout();
  l.bind_texts(read_texts(f));
  return l;
}

// Whether the trials table of `f` has a column: which metrics an earlier version's file
// lacks (they read as NaN, not 0).
std::function<bool(const std::string&)> trials_column_test(hid_t f) {
  return [f](const std::string& column) { return has_column(f, "trials", column); };
}

Store::Store(std::string path, std::unique_ptr<File> file)
    : path_(std::move(path)), file_(std::move(file)) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

namespace {
std::unique_ptr<Store::File> wrap(WriterLock lock, Handle h) {
  auto file = std::make_unique<Store::File>();
  file->lock = std::move(lock);
  file->h = std::move(h);
  file->trial_rows = row_count(file->get(), "trials");
  file->text_refs = has_text_refs(file->get());
  return file;
}
}  // namespace

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string StoredTrial::param(const std::string& key) const {
  for (const auto& kv : params) {
    if (kv.first == key) return kv.second;
  }
  return "";
}

Store Store::create(const std::string& path, const StoreInfo& info) {
  silence_hdf5_errors();
  if (file_exists(path)) throw StoreError(path + ": already exists");
  // Built under a temporary name and published whole, so that `path` never names a file
  // half set up, whenever the process is killed (a kill leaves at most the .part file).
  const std::string part = path + ".part-" + std::to_string(::getpid());
  {
    Handle f = create_file(part);
    write_attr(f.get(), "format", std::string(kFormat));
    write_attr(f.get(), "format_version", static_cast<double>(kFormatVersion));
    write_attr(f.get(), "grid_path", info.grid_path);
    write_attr(f.get(), "grid_text", info.grid_text);
    write_attr(f.get(), "command_line", info.command_line);
    write_attr(f.get(), "program_version", info.program_version);
    write_attr(f.get(), "dataset", info.dataset);
    write_attr(f.get(), "shard", info.shard);
    write_attr(f.get(), "parameters", info.parameters);
    if (!info.merged_from.empty()) write_attr(f.get(), "merged_from", info.merged_from);
    write_attr(f.get(), "created_unix", info.created_unix);
    create_table(f.get(), "trials", trials_layout(), kTrialsChunkRows);
    create_texts_table(f.get());
    create_table(f.get(), "epochs", epochs_layout(), kDetailChunkRows);
    create_table(f.get(), "confusion", confusion_layout(), kConfusionChunkRows);
    create_table(f.get(), "per_class", per_class_layout(), kPerClassChunkRows);
    create_table(f.get(), "mistakes", mistakes_layout(), kConfusionChunkRows);
    create_table(f.get(), "robustness", robustness_layout(), kConfusionChunkRows);
    create_table(f.get(), "activations", activations_layout(), kConfusionChunkRows);
    create_table(f.get(), "calibration", calibration_layout(), kConfusionChunkRows);
  }
  publish_file(part, path);
  return open_append(path);
}

Store Store::open_append(const std::string& path) {
  silence_hdf5_errors();
  check_exists(path);
  check_format(open_file_for_read(path).get(), path);  // before anything may write to it
  WriterLock lock = WriterLock::acquire(path);
  bool recovered = false;
  Handle f = open_file_for_append(path, &recovered);
  drop_unfinished_appends(f.get());
  if (!has_table(f.get(), "per_class"))
    create_table(f.get(), "per_class", per_class_layout(), kPerClassChunkRows);
  if (!has_table(f.get(), "mistakes"))
    create_table(f.get(), "mistakes", mistakes_layout(), kConfusionChunkRows);
  if (!has_table(f.get(), "robustness"))
    create_table(f.get(), "robustness", robustness_layout(), kConfusionChunkRows);
  if (!has_table(f.get(), "activations"))
    create_table(f.get(), "activations", activations_layout(), kConfusionChunkRows);
  if (!has_table(f.get(), "calibration"))
    create_table(f.get(), "calibration", calibration_layout(), kConfusionChunkRows);
  check(H5Fflush(f.get(), H5F_SCOPE_GLOBAL), path + ": flush");
  Store store(path, wrap(std::move(lock), std::move(f)));
  store.file_->recovered = recovered;
  return store;
}

Store Store::open_read(const std::string& path) {
  silence_hdf5_errors();
  check_exists(path);
  Handle f = open_file_for_read(path);
  check_format(f.get(), path);
  return Store(path, wrap(WriterLock(), std::move(f)));
}

void Store::append(const TrialSpec& spec, const TrialResult& r) { append({Item{&spec, &r}}); }

void Store::append(const std::vector<Item>& items) {
  if (items.empty()) return;
  const RowLayout& tl = file_->text_refs ? trials_layout() : legacy_trials_layout();
  if (!file_->trials) {
    if (file_->text_refs) {
      file_->interner.emplace(file_->get());
      file_->texts.emplace(file_->get(), kTextsTable, texts_layout());
    }
    file_->trials.emplace(file_->get(), "trials", tl);
    file_->epochs.emplace(file_->get(), "epochs", epochs_layout());
    file_->confusion.emplace(file_->get(), "confusion", confusion_layout());
    file_->per_class.emplace(file_->get(), "per_class", per_class_layout());
    file_->mistakes.emplace(file_->get(), "mistakes", mistakes_layout());
    file_->robustness.emplace(file_->get(), "robustness", robustness_layout());
    file_->activations.emplace(file_->get(), "activations", activations_layout());
    file_->calibration.emplace(file_->get(), "calibration", calibration_layout());
  }
  const RowLayout& el = epochs_layout();
  const RowLayout& cl = confusion_layout();
  const RowLayout& pl = per_class_layout();
  std::vector<char> trows, erows, crows, prows, mrows, rrows, arows, brows;
  std::size_t ne = 0, nc = 0, np = 0, nm = 0, nr = 0, na = 0, nb = 0;
  for (std::size_t t = 0; t < items.size(); ++t) {
    const TrialResult& r = *items[t].result;
    const auto row_index = static_cast<std::int64_t>(file_->trial_rows + t);
    trows.resize(trows.size() + tl.row_size(), 0);
    fill_trial_row(tl, trows.data() + t * tl.row_size(), *items[t].spec, r,
                   file_->interner ? &*file_->interner : nullptr);
    erows.resize(erows.size() + el.row_size() * r.epochs.size(), 0);
    for (const EpochMetrics& m : r.epochs) {
      char* p = erows.data() + ne++ * el.row_size();
      el.set_u64(p, 0, r.trial_id);
      el.set_i64(p, 1, m.epoch);
      el.set_f64(p, 2, m.train_loss);
      el.set_f64(p, 3, m.train_acc);
      el.set_f64(p, 4, m.val_loss);
      el.set_f64(p, 5, m.val_acc);
      el.set_f64(p, 6, m.seconds);
      el.set_i64(p, 7, row_index);
    }
    const std::size_t k = static_cast<std::size_t>(r.num_classes);
    const std::size_t cells = r.confusion.size() == k * k ? k * k : 0;
    // Only the cells that are not zero (a reader starts from zeros): most of a good model's
    // matrix is, and the confusion rows were half of a results file's bytes.
    crows.resize(crows.size() + cl.row_size() * nonzero_cells(r.confusion, cells), 0);
    for (std::size_t i = 0; i < cells; ++i) {
      if (r.confusion[i] == 0) continue;
      char* p = crows.data() + nc++ * cl.row_size();
      cl.set_u64(p, 0, r.trial_id);
      cl.set_str(p, 1, r.eval_split);
      cl.set_i64(p, 2, static_cast<std::int64_t>(i / k));
      cl.set_i64(p, 3, static_cast<std::int64_t>(i % k));
      cl.set_i64(p, 4, r.confusion[i]);
      cl.set_i64(p, 5, row_index);
    }
    const std::vector<ClassMetrics> classes =
        cells > 0 ? per_class(r.confusion, static_cast<std::int64_t>(k))
                  : std::vector<ClassMetrics>{};
    prows.resize(prows.size() + pl.row_size() * classes.size(), 0);
    for (std::size_t c = 0; c < classes.size(); ++c) {
      char* p = prows.data() + np++ * pl.row_size();
      pl.set_u64(p, 0, r.trial_id);
      pl.set_str(p, 1, r.eval_split);
      pl.set_i64(p, 2, static_cast<std::int64_t>(c));
      pl.set_f64(p, 3, classes[c].precision);
      pl.set_f64(p, 4, classes[c].recall);
      pl.set_f64(p, 5, classes[c].f1);
      pl.set_i64(p, 6, classes[c].support);
      pl.set_i64(p, 7, row_index);
    }
    add_mistake_rows(r, row_index, mrows, nm);
    add_robustness_rows(r, row_index, rrows, nr);
    add_activation_rows(r, row_index, arows, na);
    add_calibration_rows(r, row_index, brows, nb);
  }
  // Texts and detail rows first, the trial rows last: a trial row present means its texts and
  // details are too.
  if (file_->interner) file_->interner->write_pending(*file_->texts);
  file_->epochs->append(erows.data(), ne);
  file_->confusion->append(crows.data(), nc);
  file_->per_class->append(prows.data(), np);
  file_->mistakes->append(mrows.data(), nm);
  file_->robustness->append(rrows.data(), nr);
  file_->activations->append(arows.data(), na);
  file_->calibration->append(brows.data(), nb);
  file_->trials->append(trows.data(), items.size());
  check(H5Fflush(file_->get(), H5F_SCOPE_GLOBAL), path_ + ": flush");
  file_->trial_rows += items.size();
}

bool Store::recovered() const { return file_->recovered; }

int status_preference(Status s) {
  switch (s) {
    case Status::kOk:
      return 0;
    case Status::kPruned:
      return 1;
    case Status::kDiverged:
      return 2;
    case Status::kFailed:
      return 3;
    case Status::kAbandoned:
      return 4;
  }
  return 4;
}

std::vector<StoredTrial> best_per_trial(std::vector<StoredTrial> trials) {
  std::vector<StoredTrial> out;
  std::map<std::uint64_t, std::size_t> at;
  for (auto& t : trials) {
    auto it = at.find(t.result.trial_id);
    if (it == at.end()) {
      at.emplace(t.result.trial_id, out.size());
      out.push_back(std::move(t));
    } else if (status_preference(t.result.status) <=
               status_preference(out[it->second].result.status)) {
      out[it->second] = std::move(t);
    }
  }
  return out;
}

StoreInfo Store::info() const {
  StoreInfo i;
  i.grid_path = read_str_attr(file_->get(), "grid_path");
  i.grid_text = read_str_attr(file_->get(), "grid_text");
  i.command_line = read_str_attr(file_->get(), "command_line");
  i.program_version = read_str_attr(file_->get(), "program_version");
  i.dataset = read_str_attr(file_->get(), "dataset");
  i.shard = read_str_attr(file_->get(), "shard");
  i.merged_from = read_str_attr(file_->get(), "merged_from");
  i.parameters = read_str_attr(file_->get(), "parameters");
  i.created_unix = read_num_attr(file_->get(), "created_unix");
  return i;
}

}  // namespace sweep::results
