#include "core/keys.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/errors.h"
#include "core/robustness.h"

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

KeySpec choice_key(std::string name, std::string def, std::vector<std::string> choices,
                   std::string help) {
  KeySpec k;
  k.name = std::move(name);
  k.type = KeyType::kChoice;
  k.default_value = std::move(def);
  k.choices = std::move(choices);
  k.help = std::move(help);
  return k;
}

KeySpec bool_key(std::string name, std::string def, std::string help) {
  return choice_key(std::move(name), std::move(def), {"false", "true"}, std::move(help));
}

using Condition = std::pair<std::string, std::vector<std::string>>;

// Marks the keys of `names` as used only by the models listed (documentation and checks).
void only_for_models(std::vector<KeySpec>& keys, const std::vector<std::string>& names,
                     const std::vector<std::string>& models) {
  std::string text;
  for (const auto& m : models) text += (text.empty() ? "" : ", ") + m;
  for (auto& k : keys) {
    if (std::find(names.begin(), names.end(), k.name) == names.end()) continue;
    k.models = text;
    k.used_if.push_back(Condition{"model", models});
  }
}

void only_if(std::vector<KeySpec>& keys, const std::vector<std::string>& names,
             const Condition& c) {
  for (auto& k : keys) {
    if (std::find(names.begin(), names.end(), k.name) != names.end()) k.used_if.push_back(c);
  }
}

KeySpec list_key(std::string name, double lo, double hi, bool lo_excl, std::string help) {
  KeySpec k = float_key(std::move(name), "", lo, hi, lo_excl, false, std::move(help));
  k.type = KeyType::kFloatList;
  k.axis = false;
  return k;
}

void add_normalization_keys(std::vector<KeySpec>& keys) {
  keys.push_back(choice_key(
      "normalize", "data", {"data", "imagenet", "none", "custom"},
      "how pixels (0-1) become the model's inputs, (pixel - mean) / std: data uses the training "
      "set's mean and std, one per channel for color images, one for grayscale; imagenet the "
      "statistics torchvision's pretrained models were trained with (mean 0.485 0.456 0.406, "
      "std 0.229 0.224 0.225; needs 3 channels); none leaves pixels at 0-1; custom takes keys "
      "mean and std"));
  keys.push_back(list_key("mean", -1000, 1000, false,
                          "normalize = custom: the mean to subtract, one value for all channels "
                          "or one per channel, on the 0-1 pixel scale (e.g. 0.5 0.5 0.5)"));
  keys.push_back(list_key("std", 0, 1000, true,
                          "normalize = custom: the standard deviation to divide by, one value or "
                          "one per channel, as many as mean"));
  only_if(keys, {"mean", "std"}, Condition{"normalize", {"custom"}});
}

void add_data_keys(std::vector<KeySpec>& keys) {
  KeySpec dataset = choice_key(
      "dataset", "fashion_mnist", {"idx", "mnist", "fashion_mnist", "csv", "hdf5", "folder"},
      "data set format: idx (aliases mnist, fashion_mnist) reads the four MNIST-format IDX files "
      "from data_dir; csv reads Kaggle Digit Recognizer CSVs; hdf5 reads an image cache of sweep "
      "prepare; folder reads data_dir/<class>/*.{jpg,png}");
  dataset.axis = false;
  keys.push_back(dataset);
  keys.push_back(path_key("data_dir", "/usr/share/datasets/fashion-mnist",
                          "folder with train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz] "
                          "and optionally t10k-images/labels (dataset = idx)"));
  keys.push_back(path_key("train_csv", "",
                          "training CSV `label,pixel0..pixel783` with a header (dataset = csv)"));
  keys.push_back(
      path_key("test_csv", "", "test CSV with labels, evaluated at the end (dataset = csv)"));
  keys.push_back(path_key("cache", "",
                          "image cache written by sweep prepare; its train/val/test splits are "
                          "used (dataset = hdf5)"));
  KeySpec image_size = int_key("image_size", "64", 8, 4096,
                               "dataset = folder: images are resized to this many pixels a side");
  image_size.axis = false;
  keys.push_back(image_size);
  KeySpec memory = choice_key("cache_memory", "auto", {"auto", "load", "stream"},
                              "dataset = hdf5: load the cache into memory once per rank, or "
                              "stream: read each batch's images from the file (same results); "
                              "auto: load when it fits the rank's share of memory");
  memory.axis = false;
  memory.in_id = false;
  keys.push_back(memory);
  KeySpec classes = int_key(
      "num_classes", "0", 0, 100000,
      "classes of an idx or csv data set; 0: from the data (10 for mnist and fashion_mnist, else "
      "the largest training label + 1, every class with a training image); set it when some "
      "classes have no training image");
  classes.axis = false;
  classes.column = false;  // the trials table's num_classes column holds the classes trained
  keys.push_back(classes);
  add_normalization_keys(keys);
  only_if(keys, {"cache", "cache_memory"}, Condition{"dataset", {"hdf5"}});
  only_if(keys, {"image_size"}, Condition{"dataset", {"folder"}});
  only_if(keys, {"num_classes"}, Condition{"dataset", {"idx", "mnist", "fashion_mnist", "csv"}});
}

void add_model_keys(std::vector<KeySpec>& keys) {
  keys.push_back(choice_key("model", "cnn", {"cnn", "resnet", "vit", "torchscript", "noop"},
                            "network: cnn (reference conv blocks), resnet (basic blocks), vit "
                            "(vision transformer with a conv stem), torchscript (a user's exported "
                            "backbone with a new linear head); noop trains nothing (a benchmark "
                            "tool: it sleeps sleep_ms per epoch, loads no data and returns "
                            "metrics made from the trial id)"));
  keys.push_back(int_key("filters", "32", 1, 4096, "conv filters of the first block (doubling)"));
  keys.push_back(int_key("conv_blocks", "2", 1, 6,
                         "conv-conv-maxpool blocks; block b has filters x 2^(b-1) channels"));
  keys.push_back(bool_key("batch_norm", "false", "batch normalization after every conv"));
  keys.push_back(int_key("dense_units", "128", 1, 1 << 20, "units of the hidden dense layer"));
  keys.push_back(int_key("depth", "0", 0, 64,
                         "resnet: 18 or 34 layers; vit: transformer blocks; 0 = the model's "
                         "default (resnet 18, vit 6)"));
  keys.push_back(float_key("width", "1", 0, 16, true, false,
                           "resnet channel multiplier of the 64-128-256-512 stages"));
  keys.push_back(int_key("embed_dim", "64", 8, 4096, "vit token width (a multiple of heads)"));
  keys.push_back(int_key("heads", "4", 1, 64, "vit attention heads"));
  keys.push_back(int_key("mlp_dim", "128", 1, 1 << 16, "vit hidden units of each block's MLP"));
  keys.push_back(float_key("dropout", "0.25", 0, 1, false, true,
                           "cnn: after the dense layer; resnet: before the classifier; vit: in "
                           "every block and before the classifier"));
  KeySpec backbone = path_key("backbone", "",
                              "TorchScript file of a feature extractor (torch.jit.trace/script "
                              "of a network without its classifier); its output is flattened");
  backbone.axis = true;  // several exported backbones may be compared
  backbone.in_id = true;
  keys.push_back(backbone);
  keys.push_back(choice_key("freeze", "none", {"none", "backbone"},
                            "backbone: train the new head only (the backbone stays in eval mode)"));
  keys.push_back(
      float_key("head_dropout", "0", 0, 1, false, true, "dropout before the new linear head"));
  only_for_models(keys, {"filters", "conv_blocks", "batch_norm", "dense_units"}, {"cnn"});
  only_for_models(keys, {"depth"}, {"resnet", "vit"});
  only_for_models(keys, {"width"}, {"resnet"});
  only_for_models(keys, {"embed_dim", "heads", "mlp_dim"}, {"vit"});
  only_for_models(keys, {"dropout"}, {"cnn", "resnet", "vit"});
  keys.push_back(
      float_key("sleep_ms", "0", 0, 3.6e6, false, false, "noop: milliseconds each epoch sleeps"));
  only_for_models(keys, {"backbone", "freeze", "head_dropout"}, {"torchscript"});
  only_for_models(keys, {"sleep_ms"}, {"noop"});
}

void add_training_keys(std::vector<KeySpec>& keys) {
  keys.push_back(int_key("epochs", "5", 1, 100000, "passes over the training split"));
  keys.push_back(int_key("seed", "0", 0, 2147483647,
                         "user seed: picks the validation split and enters the trial id"));
  keys.push_back(
      int_key("train_subset", "0", 0, 1e9, "train on the first N training images only (0 = all)"));
  keys.push_back(int_key("batch_size", "64", 1, 1 << 20, "training mini-batch size"));
  keys.push_back(choice_key("optimizer", "adam", {"adam", "adamw", "sgd"},
                            "adam, adamw (decoupled weight decay) or sgd"));
  keys.push_back(float_key("learning_rate", "0.001", 0, 10, true, false,
                           "the optimizer's learning rate (the start of a schedule)"));
  keys.push_back(float_key("weight_decay", "0", 0, 1, false, false,
                           "adam, sgd: L2 penalty; adamw: decoupled weight decay"));
  keys.push_back(float_key("momentum", "0.9", 0, 1, false, true, "sgd momentum"));
  keys.push_back(bool_key("nesterov", "false", "sgd Nesterov momentum"));
  keys.push_back(choice_key("schedule", "none", {"none", "step", "cosine", "onecycle", "plateau"},
                            "learning rate schedule: step (x factor every step_size epochs), "
                            "cosine (to 0 over all epochs, per batch), onecycle (up to max_lr "
                            "then down, per batch), plateau (x factor after patience epochs "
                            "without a lower validation loss)"));
  keys.push_back(int_key("step_size", "10", 1, 100000, "schedule = step: epochs between steps"));
  keys.push_back(float_key("factor", "0.1", 0, 1, true, true,
                           "schedule = step or plateau: the learning rate multiplier"));
  keys.push_back(int_key("patience", "2", 1, 100000,
                         "schedule = plateau: epochs without improvement before a cut"));
  keys.push_back(float_key("max_lr", "0.01", 0, 10, true, false,
                           "schedule = onecycle: the peak learning rate (starts at max_lr/25)"));
  keys.push_back(float_key("pct_start", "0.3", 0, 1, true, true,
                           "schedule = onecycle: the fraction of steps spent rising"));
  keys.push_back(
      float_key("label_smoothing", "0", 0, 1, false, true, "cross-entropy label smoothing"));
  keys.push_back(
      choice_key("class_weights", "none", {"none", "balanced"},
                 "balanced: loss weights n / (classes x count) from the training split"));
  keys.push_back(choice_key("sampler", "uniform", {"uniform", "balanced"},
                            "balanced: each epoch draws its batches with replacement, every class "
                            "equally likely"));
  keys.push_back(float_key("grad_clip", "0", 0, 1e6, false, false,
                           "clip the gradients' total L2 norm to this (0 = off)"));
  keys.push_back(int_key("early_stop_patience", "0", 0, 100000,
                         "stop after this many epochs without a lower validation loss (0 = off)"));
  keys.push_back(choice_key("precision", "fp32", {"fp32", "bf16"},
                            "bf16: autocast of the forward pass to bfloat16 (fast on CUDA and on "
                            "CPUs with AVX512-BF16/AMX; slow elsewhere)"));
  KeySpec layout = choice_key(
      "memory_format", "auto", {"auto", "contiguous", "channels_last"},
      "layout of conv weights and batches: contiguous (NCHW) or channels_last (NHWC); auto "
      "follows a fixed rule per model and image size (docs/keys.md); the column memory_format "
      "holds "
      "the layout each trial used");
  layout.axis = false;
  layout.in_id = false;
  layout.column = false;  // the column `memory_format` holds the layout a trial did use
  keys.push_back(layout);
  keys.push_back(float_key("val_split", "0.1", 0, 1, false, true,
                           "fraction of the training set held out for validation (0 = none)"));
  KeySpec device = choice_key("device", "auto", {"auto", "cpu", "cuda"},
                              "where trials train: cuda needs a GPU (and a CUDA build of sweep); "
                              "auto uses the node's GPUs when there are, else the CPU");
  device.axis = false;
  device.in_id = false;
  device.column = false;  // the column `device` holds where each trial did train
  keys.push_back(device);
  KeySpec per_gpu = int_key("trials_per_gpu", "1", 1, 64,
                            "workers of a node that share one GPU (small models leave most of a "
                            "GPU idle)");
  per_gpu.axis = false;
  per_gpu.in_id = false;
  keys.push_back(per_gpu);
  KeySpec per_trial = int_key(
      "ranks_per_trial", "1", 1, 1024,
      "worker ranks that train each trial together, data parallel (each a slice of every batch, "
      "gradients summed over MPI); a whole sweep's setting, not part of the trial id");
  per_trial.axis = false;
  per_trial.in_id = false;
  keys.push_back(per_trial);
  KeySpec mistakes = int_key("mistakes", "32", 0, 1000,
                             "the most confident wrong predictions each trial stores (table "
                             "mistakes; sweep report shows them as images); 0 = none");
  mistakes.axis = false;
  mistakes.in_id = false;
  mistakes.column = false;
  keys.push_back(mistakes);
  KeySpec robustness = path_key(
      "robustness", "none",
      "perturbations of the evaluation split's images after training, each level one more "
      "evaluation pass of the final weights (table robustness, column robust_acc): none, or "
      "names from brightness contrast noise blur rotation, each with its default levels or "
      "name:level/level/...");
  robustness.canonical = [](const std::string& raw) {
    return robustness_text(parse_robustness(raw));
  };
  robustness.expected =
      "none, or perturbations (brightness contrast noise blur rotation) separated by commas, "
      "each alone or as name:level/level/...";
  robustness.column = false;
  const std::vector<std::string> trained = {"cnn", "resnet", "vit", "torchscript"};
  robustness.used_if.push_back({"model", trained});
  robustness.models = "cnn, resnet, vit, torchscript";
  keys.push_back(robustness);
  KeySpec dead = bool_key(
      "dead_units", "false",
      "after training, the fraction of each activation layer's units (ReLU and GELU outputs; a "
      "torchscript backbone's output as one layer) that never exceed 0 on the evaluation split "
      "(table activations); one more evaluation pass");
  dead.axis = false;
  dead.in_id = false;
  dead.column = false;
  dead.used_if.push_back({"model", trained});
  dead.models = robustness.models;
  keys.push_back(dead);
  KeySpec test_eval = choice_key(
      "test_eval", "all", {"all", "final"},
      "all: every stored result is evaluated on the test set; final: only a trial's final result "
      "(not the lower rungs of successive halving, nor trials pruned by median stopping), as "
      "Optuna's users evaluate the test set once, at the end");
  test_eval.axis = false;
  test_eval.in_id = false;
  test_eval.column = false;
  keys.push_back(test_eval);
  KeySpec state_every = int_key(
      "state_every", "1", 0, 1000000,
      "epochs between a running trial's saved states (FILE.h5.state/TRIALID.state), from which "
      "it resumes after a kill, a lost node or a time limit; 0 = only when the sweep is stopped");
  state_every.axis = false;
  state_every.in_id = false;
  state_every.column = false;
  keys.push_back(state_every);
  KeySpec state_minutes = float_key(
      "state_minutes", "10", 0, 1e6, false, false,
      "minutes after which a trial training alone on the CPU also saves its state inside an "
      "epoch, at a batch (long epochs lose at most that much to a kill); 0 = never");
  state_minutes.axis = false;
  state_minutes.in_id = false;
  state_minutes.column = false;
  keys.push_back(state_minutes);
  only_if(keys, {"trials_per_gpu"}, Condition{"device", {"auto", "cuda"}});
  only_if(keys, {"val_split"},
          Condition{"dataset", {"idx", "mnist", "fashion_mnist", "csv", "folder"}});
  only_if(keys, {"learning_rate"}, Condition{"schedule", {"none", "step", "cosine", "plateau"}});
  only_if(keys, {"momentum", "nesterov"}, Condition{"optimizer", {"sgd"}});
  only_if(keys, {"step_size"}, Condition{"schedule", {"step"}});
  only_if(keys, {"factor"}, Condition{"schedule", {"step", "plateau"}});
  only_if(keys, {"patience"}, Condition{"schedule", {"plateau"}});
  only_if(keys, {"max_lr", "pct_start"}, Condition{"schedule", {"onecycle"}});
}

void add_augmentation_keys(std::vector<KeySpec>& keys) {
  keys.push_back(bool_key("hflip", "false", "random horizontal flip (probability 1/2)"));
  keys.push_back(bool_key("vflip", "false", "random vertical flip (probability 1/2)"));
  keys.push_back(
      float_key("rotation", "0", 0, 180, false, false, "random rotation, uniform in +-degrees"));
  keys.push_back(float_key("translate", "0", 0, 0.5, false, false,
                           "random shift, uniform in +- this fraction of width and height"));
  keys.push_back(float_key("brightness", "0", 0, 1, false, false,
                           "random brightness factor, uniform in 1 +- this"));
  keys.push_back(
      float_key("contrast", "0", 0, 1, false, false,
                "random contrast factor around each image's mean, uniform in 1 +- this"));
}

std::vector<KeySpec> build_keys() {
  std::vector<KeySpec> keys;
  add_data_keys(keys);
  add_model_keys(keys);
  add_training_keys(keys);
  add_augmentation_keys(keys);
  return keys;
}

}  // namespace

std::string used_if_text(const KeySpec& spec) {
  std::string out;
  for (const auto& [key, values] : spec.used_if) {
    if (!out.empty()) out += " and ";
    out += key + (values.size() == 1 ? " is " : " is one of ");
    for (std::size_t i = 0; i < values.size(); ++i) out += (i > 0 ? ", " : "") + values[i];
  }
  return out;
}

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

}  // namespace sweep
