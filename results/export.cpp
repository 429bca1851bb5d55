#include "results/export.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/errors.h"
#include "core/keys.h"
#include "core/trial_id.h"

namespace sweep::results {
namespace {

using json = nlohmann::ordered_json;  // keeps the columns in their order

// One exported column: its name and its value in a trial, as JSON (numbers, text or null).
struct Field {
  std::string name;
  json value;
};

json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

json param_value(const KeySpec& k, const std::string& text) {
  if (text.empty()) return nullptr;
  if (k.type == KeyType::kInt) return std::stoll(text);
  if (k.type == KeyType::kFloat) return std::stod(text);
  if (k.type == KeyType::kFloatList) {  // "0.485 0.456 0.406": an array of numbers
    json list = json::array();
    std::istringstream in(text);
    for (double v = 0; in >> v;) list.push_back(v);
    return list;
  }
  return text;
}

std::vector<Field> fields_of(const StoredTrial& t) {
  const TrialResult& r = t.result;
  std::vector<Field> f = {{"trial_id", trial_id_hex(r.trial_id)},
                          {"status", status_name(r.status)},
                          {"message", r.message}};
  for (const auto& k : known_keys()) {
    if (k.column) f.push_back({k.name, param_value(k, t.param(k.name))});
  }
  const std::pair<const char*, double> metrics[] = {{"val_loss", r.val_loss},
                                                    {"val_acc", r.val_acc},
                                                    {"test_loss", r.test_loss},
                                                    {"test_acc", r.test_acc},
                                                    {"macro_f1", r.macro_f1},
                                                    {"auc", r.auc},
                                                    {"qwk", r.qwk}};
  for (const auto& [name, v] : metrics) f.push_back({name, number_or_null(v)});
  f.push_back({"num_classes", r.num_classes});
  f.push_back({"eval_split", r.eval_split});
  f.push_back({"epochs_run", r.epochs_run});
  f.push_back({"rung", r.rung});
  f.push_back({"best_epoch", r.best_epoch});
  f.push_back({"checkpoint", r.checkpoint});
  f.push_back({"wall_seconds", r.wall_seconds});
  f.push_back({"train_samples_per_s", r.train_samples_per_s});
  f.push_back({"sync_seconds", r.sync_seconds});
  f.push_back({"rank", r.rank});
  f.push_back({"threads", r.threads});
  f.push_back({"host", r.host});
  f.push_back({"device", r.device});
  f.push_back({"memory_format", r.memory_format});
  f.push_back({"started_unix", r.started_unix});
  f.push_back({"finished_unix", r.finished_unix});
  return f;
}

std::vector<Field> fields_of(const EpochMetrics& m) {
  return {{"epoch", m.epoch},
          {"train_loss", number_or_null(m.train_loss)},
          {"train_acc", number_or_null(m.train_acc)},
          {"val_loss", number_or_null(m.val_loss)},
          {"val_acc", number_or_null(m.val_acc)},
          {"seconds", number_or_null(m.seconds)}};
}

// A CSV cell (RFC 4180): numbers in the shortest text that reads back exactly, null empty,
// lists of numbers separated by spaces, text quoted when it holds a comma, quote or line break.
std::string csv_cell(const json& v) {
  if (v.is_null()) return "";
  if (v.is_number_float()) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v.get<double>());
    return std::string(buf, r.ptr);
  }
  if (v.is_number()) return v.dump();
  if (v.is_array()) {  // a list of numbers: as the grid file's canonical text, "0.5 0.25"
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " ") + csv_cell(x);
    return s;
  }
  const std::string s = v.get<std::string>();
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void csv_row(std::ostringstream& os, const std::vector<Field>& fields, bool header) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    os << (i ? "," : "") << (header ? fields[i].name : csv_cell(fields[i].value));
  }
  os << "\n";
}

std::string to_csv(const std::vector<StoredTrial>& trials, bool curves) {
  std::ostringstream os;
  if (!curves) {
    csv_row(os, fields_of(StoredTrial{}), true);
    for (const auto& t : trials) csv_row(os, fields_of(t), false);
    return os.str();
  }
  std::vector<Field> head = fields_of(EpochMetrics{});
  head.insert(head.begin(), Field{"trial_id", ""});
  csv_row(os, head, true);
  for (const auto& t : trials) {
    for (const auto& m : t.result.epochs) {
      std::vector<Field> row = fields_of(m);
      row.insert(row.begin(), Field{"trial_id", trial_id_hex(t.result.trial_id)});
      csv_row(os, row, false);
    }
  }
  return os.str();
}

std::string to_json(const std::vector<StoredTrial>& trials, bool curves) {
  json out = json::array();
  for (const auto& t : trials) {
    json o = json::object();
    for (auto& f : fields_of(t)) o[f.name] = std::move(f.value);
    if (curves) {
      o["epochs"] = json::array();
      for (const auto& m : t.result.epochs) {
        json e = json::object();
        for (auto& f : fields_of(m)) e[f.name] = std::move(f.value);
        o["epochs"].push_back(std::move(e));
      }
    }
    out.push_back(std::move(o));
  }
  return out.dump(1) + "\n";
}

}  // namespace

ExportFormat parse_export_format(const std::string& name) {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "json") return ExportFormat::kJson;
  throw UsageError("--format: '" + name + "' is not csv or json");
}

std::string export_trials(const std::vector<StoredTrial>& all, ExportFormat format, bool curves) {
  const std::vector<StoredTrial> trials = best_per_trial(all);
  return format == ExportFormat::kCsv ? to_csv(trials, curves) : to_json(trials, curves);
}

}  // namespace sweep::results
