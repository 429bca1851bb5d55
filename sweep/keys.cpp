#include "sweep/keys.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sweep/errors.h"

namespace sweep {
namespace {

KeySpec int_key(std::string name, std::string def, double lo, double hi, std::string help) {
  KeySpec k;
  k.name = std::move(name);
  k.type = KeyType::kInt;
  k.default_value = std::move(def);
  k.min = lo;
  k.max = hi;
  k.help = std::move(help);
  return k;
}

KeySpec float_key(std::string name, std::string def, double lo, double hi, bool lo_excl,
                  bool hi_excl, std::string help) {
  KeySpec k = int_key(std::move(name), std::move(def), lo, hi, std::move(help));
  k.type = KeyType::kFloat;
  k.min_exclusive = lo_excl;
  k.max_exclusive = hi_excl;
  return k;
}

KeySpec path_key(std::string name, std::string def, std::string help) {
  KeySpec k;
  k.name = std::move(name);
  k.type = KeyType::kString;
  k.default_value = std::move(def);
  k.axis = false;
  k.in_id = false;
  k.help = std::move(help);
  return k;
}

std::vector<KeySpec> build_keys() {
  std::vector<KeySpec> keys;
  KeySpec dataset;
  dataset.name = "dataset";
  dataset.type = KeyType::kChoice;
  dataset.default_value = "fashion_mnist";
  dataset.choices = {"idx", "mnist", "fashion_mnist", "csv"};
  dataset.axis = false;
  dataset.help =
      "data set format: idx (aliases mnist, fashion_mnist) reads the four MNIST-format IDX files "
      "from data_dir; csv reads Kaggle Digit Recognizer CSVs";
  keys.push_back(dataset);
  keys.push_back(path_key("data_dir", "/usr/share/datasets/fashion-mnist",
                          "folder with train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz] "
                          "and optionally t10k-images/labels (dataset = idx)"));
  keys.push_back(path_key("train_csv", "",
                          "training CSV `label,pixel0..pixel783` with a header (dataset = csv)"));
  keys.push_back(
      path_key("test_csv", "", "test CSV with labels, evaluated at the end (dataset = csv)"));
  KeySpec model;
  model.name = "model";
  model.type = KeyType::kChoice;
  model.default_value = "cnn";
  model.choices = {"cnn"};
  model.help = "network: cnn is the reference conv-conv-pool x2, dense, dropout model";
  keys.push_back(model);
  keys.push_back(int_key("epochs", "5", 1, 100000, "passes over the training split"));
  keys.push_back(int_key("seed", "0", 0, 2147483647,
                         "user seed: picks the validation split and enters the trial id"));
  keys.push_back(
      int_key("train_subset", "0", 0, 1e9, "train on the first N training images only (0 = all)"));
  keys.push_back(int_key("filters", "32", 1, 4096, "conv filters of the first block (second: 2x)"));
  keys.push_back(int_key("dense_units", "128", 1, 1 << 20, "units of the hidden dense layer"));
  keys.push_back(int_key("batch_size", "64", 1, 1 << 20, "training mini-batch size"));
  keys.push_back(float_key("learning_rate", "0.001", 0, 10, true, false, "Adam learning rate"));
  keys.push_back(float_key("dropout", "0.25", 0, 1, false, true, "dropout after the dense layer"));
  keys.push_back(float_key("val_split", "0.1", 0, 1, false, true,
                           "fraction of the training set held out for validation (0 = none)"));
  for (auto& k : keys) {
    if (k.name == "filters" || k.name == "dense_units" || k.name == "dropout") k.models = "cnn";
  }
  return keys;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string fmt_bound(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

}  // namespace

const std::vector<KeySpec>& known_keys() {
  static const std::vector<KeySpec> keys = build_keys();  // immutable after first use
  return keys;
}

const KeySpec* find_key(std::string_view name) {
  for (const auto& k : known_keys()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string expected_text(const KeySpec& spec) {
  switch (spec.type) {
    case KeyType::kInt:
      return "an integer in [" + fmt_bound(spec.min) + ", " + fmt_bound(spec.max) + "]";
    case KeyType::kFloat:
      return std::string("a number in ") + (spec.min_exclusive ? "(" : "[") + fmt_bound(spec.min) +
             ", " + fmt_bound(spec.max) + (spec.max_exclusive ? ")" : "]");
    case KeyType::kChoice: {
      std::string s = "one of";
      for (const auto& c : spec.choices) s += " " + c;
      return s;
    }
    case KeyType::kString:
      return "a text value";
  }
  return "a value";
}

std::string canonical_value(const KeySpec& spec, const std::string& raw) {
  auto bad = [&](const std::string& why) {
    return GridError("key '" + spec.name + "': " + why + "; expected " + expected_text(spec));
  };
  switch (spec.type) {
    case KeyType::kString:
      return raw;
    case KeyType::kChoice: {
      std::string v = lower(raw);
      if (std::find(spec.choices.begin(), spec.choices.end(), v) == spec.choices.end()) {
        throw bad("'" + raw + "' is not a known value");
      }
      return v;
    }
    case KeyType::kInt: {
      long long v = 0;
      const char* b = raw.data();
      const char* e = raw.data() + raw.size();
      auto r = std::from_chars(b, e, v);
      if (raw.empty() || r.ec != std::errc() || r.ptr != e)
        throw bad("'" + raw + "' is not an integer");
      if (v < spec.min || v > spec.max) throw bad(raw + " is out of range");
      return std::to_string(v);
    }
    case KeyType::kFloat: {
      char* end = nullptr;
      double v = std::strtod(raw.c_str(), &end);
      if (raw.empty() || end != raw.c_str() + raw.size() || !std::isfinite(v)) {
        throw bad("'" + raw + "' is not a number");
      }
      bool low_bad = spec.min_exclusive ? v <= spec.min : v < spec.min;
      bool high_bad = spec.max_exclusive ? v >= spec.max : v > spec.max;
      if (low_bad || high_bad) throw bad(raw + " is out of range");
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v);
      return std::string(buf, r.ptr);
    }
  }
  return raw;
}

}  // namespace sweep
