// Contract checks for tikv-sim output; see contract_checks.h.
#include "tests/prometheus/contract_checks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/prom/metric_family.h"
#include "libs/prom/text_parser.h"

namespace ops::sim_contract {
namespace {

using prom::MetricFamily;
using prom::MetricType;

struct Expectation {
  std::string type;                  // "counter", "gauge", "histogram", "summary"
  std::set<std::string> label_sets;  // each a sorted, comma-joined label-name list
};

// Families whose v8.5.7 registration (reference/tikv.md section 2) differs from the v5.3 dump;
// the simulator follows v8.5.7 here. HELP still comes from the dump.
const std::map<std::string, Expectation>& V857Overrides() {
  static const auto* m = new std::map<std::string, Expectation>{
      // 2.1: `priority` label added (v6+).
      {"tikv_grpc_msg_duration_seconds", {"histogram", {"priority,type"}}},
      // 2.1: per-source slow score, `type` = raft, kvdb, network.
      {"tikv_raftstore_slow_score", {"gauge", {"type"}}},
      // 2.1: GaugeVec in v8.5.7 (the v5.3 dump says counter).
      {"tikv_thread_cpu_seconds_total", {"gauge", {"name,tid"}}},
      // 2.2: per store, with `engine` and `store`.
      {"pd_cluster_status", {"gauge", {"engine,store,type"}}},
  };
  return *m;
}

// Families absent from the v5.3 dumps, with type and label names from reference section 2.
const std::map<std::string, Expectation>& ReferenceTable(Server server) {
  static const auto* tikv = new std::map<std::string, Expectation>{
      {"tikv_grpc_msg_fail_total", {"counter", {"type"}}},
      {"tikv_storage_engine_async_request_duration_seconds", {"histogram", {"type"}}},
      {"tikv_scheduler_command_duration_seconds", {"histogram", {"type"}}},
      {"tikv_scheduler_latch_wait_duration_seconds", {"histogram", {"type"}}},
      {"tikv_scheduler_too_busy_total", {"counter", {"type"}}},
      {"tikv_scheduler_contex_total", {"gauge", {""}}},
      {"tikv_scheduler_writing_bytes", {"gauge", {""}}},
      {"tikv_scheduler_l0_avg", {"gauge", {"cf"}}},
      {"tikv_scheduler_l0", {"gauge", {"cf"}}},
      {"tikv_scheduler_throttle_duration_seconds", {"histogram", {""}}},
      {"tikv_scheduler_discard_ratio", {"gauge", {""}}},
      {"tikv_raftstore_region_count", {"gauge", {"type"}}},
      {"tikv_raftstore_leader_missing", {"gauge", {""}}},
      {"tikv_raftstore_slow_score", {"gauge", {"type"}}},
      {"tikv_raftstore_append_log_duration_seconds", {"histogram", {""}}},
      {"tikv_raftstore_commit_log_duration_seconds", {"histogram", {""}}},
      {"tikv_raftstore_apply_log_duration_seconds", {"histogram", {""}}},
      {"tikv_raftstore_log_lag", {"histogram", {""}}},
      {"tikv_raftstore_store_write_msg_block_wait_duration_seconds", {"histogram", {""}}},
      {"tikv_raftstore_process_busy", {"gauge", {"type"}}},
      {"tikv_raftstore_region_size", {"histogram", {""}}},
      {"tikv_raftstore_region_keys", {"histogram", {""}}},
      {"tikv_store_size_bytes", {"gauge", {"type"}}},
      {"tikv_pd_request_duration_seconds", {"histogram", {"type"}}},
      {"tikv_pd_heartbeat_message_total", {"counter", {"type"}}},
      {"tikv_pd_reconnect_total", {"counter", {"type"}}},
      {"tikv_server_report_failure_msg_total", {"counter", {"store_id,type"}}},
      {"tikv_critical_error_total", {"counter", {"type"}}},
      {"tikv_channel_full_total", {"counter", {"type"}}},
      {"tikv_worker_pending_task_total", {"gauge", {"name"}}},
      {"tikv_engine_write_stall", {"gauge", {"db,type"}}},
      {"tikv_engine_write_stall_reason", {"gauge", {"db,type"}}},
      {"tikv_engine_stall_micro_seconds", {"counter", {"db"}}},
      {"tikv_thread_cpu_seconds_total", {"gauge", {"name,tid"}}},
      {"tikv_server_cpu_cores_quota", {"gauge", {""}}},
      {"tikv_server_memory_quota_bytes", {"gauge", {""}}},
  };
  static const auto* pd = new std::map<std::string, Expectation>{
      {"pd_cluster_status", {"gauge", {"engine,store,type"}}},
      {"pd_regions_status", {"gauge", {"type"}}},
      {"pd_regions_abnormal_peer_duration_seconds", {"histogram", {"type"}}},
      {"pd_scheduler_store_status", {"gauge", {"address,store,type"}}},
      {"pd_config_status", {"gauge", {"type"}}},
      {"pd_hotspot_status", {"gauge", {"address,store,type"}}},
      {"pd_scheduler_status", {"gauge", {"kind,type"}}},
      {"pd_checker_event_count", {"counter", {"name,type"}}},
      {"pd_scheduler_region_heartbeat", {"counter", {"address,status,store,type"}}},
      {"pd_tso_events", {"counter", {"dc,group,type"}}},
      {"service_member_role", {"gauge", {"service"}}},
      {"pd_service_maxprocs", {"gauge", {""}}},
      {"pd_service_memory_quota_bytes", {"gauge", {""}}},
  };
  return server == Server::kTikv ? *tikv : *pd;
}

std::string TypeName(MetricType t) { return std::string(prom::MetricTypeName(t)); }

std::string LabelSet(const prom::Sample& s) {
  std::vector<std::string> names;
  for (const auto& l : s.labels) {
    if (l.name != "le" && l.name != "quantile") names.push_back(l.name);
  }
  std::sort(names.begin(), names.end());
  return absl::StrJoin(names, ",");
}

// Type and label sets of every family in a real dump, by family name.
struct DumpFamily {
  std::string help;
  std::string type;
  std::set<std::string> label_sets;
};

const std::map<std::string, DumpFamily>& Dump(Server server) {
  static std::map<std::string, DumpFamily>* cache[2] = {nullptr, nullptr};
  int i = server == Server::kTikv ? 0 : 1;
  if (cache[i] == nullptr) {
    cache[i] = new std::map<std::string, DumpFamily>();
    std::string text =
        ReadSharedData(server == Server::kTikv ? "metrics/tikv-v5.3.0-alpha-status-metrics.txt"
                                               : "metrics/pd-v5.3.0-alpha-metrics.txt");
    auto families = prom::ParseFamilies(text);
    if (families.ok()) {
      for (const MetricFamily& f : *families) {
        DumpFamily& d = (*cache[i])[f.name];
        d.help = f.help;
        d.type = TypeName(f.type);
        for (const auto& s : f.samples) d.label_sets.insert(LabelSet(s));
      }
    }
  }
  return *cache[i];
}

// Go's strconv.FormatFloat(v, 'g', -1, 64), computed independently of the simulator's writer:
// shortest round-trip digits; exponent form when exp < -4 || exp >= 6 (client_golang expfmt).
std::string GoShortest(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  int p = 1;
  for (; p <= 17; ++p) {
    std::snprintf(buf, sizeof(buf), "%.*e", p - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string e(buf);
  bool neg = e[0] == '-';
  if (neg) e = e.substr(1);
  size_t epos = e.find('e');
  std::string digits;
  for (char c : e.substr(0, epos)) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int exp = std::atoi(e.c_str() + epos + 1);
  std::string out = neg ? "-" : "";
  if (exp < -4 || exp >= 6) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    std::snprintf(buf, sizeof(buf), "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return out + buf;
  }
  int dp = exp + 1;  // digits before the decimal point
  if (dp <= 0) return out + "0." + std::string(-dp, '0') + digits;
  if (static_cast<int>(digits.size()) <= dp) {
    return out + digits + std::string(dp - digits.size(), '0');
  }
  return out + digits.substr(0, dp) + "." + digits.substr(dp);
}

bool RustStyle(const std::string& token) {
  static const std::regex re(R"(^(-?[0-9]+(\.[0-9]+)?|\+Inf|-Inf|NaN)$)");
  return std::regex_match(token, re);
}

std::string CheckNumber(const std::string& token, Server server) {
  if (server == Server::kTikv) {
    return RustStyle(token) ? "" : "not a Rust Display float (no exponent allowed)";
  }
  double v = std::strtod(token.c_str(), nullptr);
  if (token == "+Inf" || token == "-Inf" || token == "NaN") return "";
  std::string want = GoShortest(v);
  return want == token ? "" : absl::StrCat("not Go %g style (want ", want, ")");
}

// Splits a sample line into name, label (name, raw value) pairs and value token.
bool SplitSample(const std::string& line, std::string* name,
                 std::vector<std::pair<std::string, std::string>>* labels, std::string* value) {
  size_t i = line.find_first_of("{ ");
  if (i == std::string::npos) return false;
  *name = line.substr(0, i);
  labels->clear();
  if (line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t eq = line.find('=', i);
      if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') return false;
      std::string lname = line.substr(i, eq - i), lvalue;
      size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) ++j;
        lvalue += line[j];
      }
      if (j >= line.size()) return false;
      labels->emplace_back(lname, lvalue);
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return false;
    ++i;  // '}'
    if (i >= line.size() || line[i] != ' ') return false;
  }
  *value = line.substr(i + 1);
  return !value->empty() && value->find(' ') == std::string::npos;
}

bool BelongsTo(const std::string& sample, const std::string& family, const std::string& type) {
  if (sample == family) return type != "histogram";
  if (type == "histogram") {
    return sample == family + "_bucket" || sample == family + "_sum" || sample == family + "_count";
  }
  if (type == "summary") return sample == family + "_sum" || sample == family + "_count";
  return false;
}

// The raw-text rules: layout, ordering, labels, numbers.
void CheckRawText(const std::string& body, Server server, std::vector<std::string>* errors) {
  auto err = [&](int line, const std::string& what) {
    errors->push_back(absl::StrCat("line ", line, ": ", what));
  };
  if (body.empty() || body.back() != '\n') errors->push_back("body does not end with a newline");
  if (body.find('\r') != std::string::npos) errors->push_back("body contains CR");
  std::vector<std::string> lines = absl::StrSplit(body, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string family, type, prev_family;
  std::set<std::string> seen;
  int samples_in_family = 0;
  auto close_family = [&](int line) {
    if (!family.empty() && samples_in_family == 0) err(line, family + " has no series");
  };
  for (size_t n = 0; n < lines.size(); ++n) {
    const std::string& l = lines[n];
    int ln = static_cast<int>(n) + 1;
    if (l.empty()) {
      err(ln, "blank line");
      continue;
    }
    if (absl::StartsWith(l, "# HELP ")) {
      close_family(ln);
      std::vector<std::string> parts = absl::StrSplit(l.substr(7), absl::MaxSplits(' ', 1));
      family = parts[0];
      type.clear();
      samples_in_family = 0;
      if (!seen.insert(family).second) err(ln, family + " appears twice");
      if (!prev_family.empty() && family <= prev_family) {
        err(ln, absl::StrCat(family, " is not sorted after ", prev_family));
      }
      prev_family = family;
      if (n + 1 >= lines.size() || !absl::StartsWith(lines[n + 1], "# TYPE " + family + " ")) {
        err(ln, family + ": HELP not followed by its TYPE");
      }
      continue;
    }
    if (absl::StartsWith(l, "# TYPE ")) {
      std::vector<std::string> parts = absl::StrSplit(l.substr(7), ' ');
      if (parts.size() != 2 || parts[0] != family) {
        err(ln, "TYPE without a preceding HELP for the same family");
      } else {
        type = parts[1];
      }
      continue;
    }
    if (l[0] == '#') {
      err(ln, "unexpected comment");
      continue;
    }
    std::string name, value;
    std::vector<std::pair<std::string, std::string>> labels;
    if (!SplitSample(l, &name, &labels, &value)) {
      err(ln, "malformed sample: " + l);
      continue;
    }
    ++samples_in_family;
    if (family.empty() || !BelongsTo(name, family, type)) {
      err(ln, absl::StrCat(name, " outside its family (current ", family, ")"));
    }
    for (size_t i = 0; i < labels.size(); ++i) {
      const std::string& ln_name = labels[i].first;
      bool last_only = ln_name == "le" || ln_name == "quantile";
      if (last_only && i + 1 != labels.size()) err(ln, ln_name + " is not the last label: " + l);
      if (i > 0 && !last_only && labels[i - 1].first >= ln_name) {
        err(ln, "labels not sorted by name: " + l);
      }
      if (ln_name == "le") {
        std::string why = CheckNumber(labels[i].second, server);
        if (!why.empty()) err(ln, absl::StrCat("le=\"", labels[i].second, "\" ", why));
      }
    }
    std::string why = CheckNumber(value, server);
    if (!why.empty()) err(ln, absl::StrCat("value ", value, " ", why, ": ", l));
  }
  close_family(static_cast<int>(lines.size()));
}

void CheckAgainstReference(const std::vector<MetricFamily>& families, Server server,
                           std::vector<std::string>* errors) {
  const auto& dump = Dump(server);
  if (dump.empty()) errors->push_back("real dump missing or unparsable (OPS_SHARED_DATA_DIR)");
  for (const MetricFamily& f : families) {
    std::string type = TypeName(f.type);
    std::set<std::string> sets;
    for (const auto& s : f.samples) sets.insert(LabelSet(s));
    auto d = dump.find(f.name);
    auto o = V857Overrides().find(f.name);
    const Expectation* want = nullptr;
    Expectation from_dump;
    if (d != dump.end()) {
      if (f.help != d->second.help) {
        errors->push_back(absl::StrCat(f.name, ": HELP \"", f.help, "\", real dump has \"",
                                       d->second.help, "\""));
      }
      from_dump = {d->second.type, d->second.label_sets};
      want = o != V857Overrides().end() ? &o->second : &from_dump;
    } else {
      auto r = ReferenceTable(server).find(f.name);
      if (r == ReferenceTable(server).end()) {
        errors->push_back(f.name + ": neither in the real dump nor in reference section 2");
        continue;
      }
      want = &r->second;
    }
    if (type != want->type) {
      errors->push_back(absl::StrCat(f.name, ": TYPE ", type, ", expected ", want->type));
    }
    for (const std::string& s : sets) {
      if (!want->label_sets.count(s)) {
        errors->push_back(absl::StrCat(f.name, ": label names {", s, "}, expected one of {",
                                       absl::StrJoin(want->label_sets, "} {"), "}"));
      }
    }
  }
}

// ---- Logs ----

bool NeedsJson(const std::string& s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c == '"' || c == '=' || c == '[' || c == ']') return true;
  }
  return false;
}

// Reads one JSON string starting at text[*i] == '"'; advances *i past the closing quote.
bool ReadJsonString(const std::string& text, size_t* i, std::string* out) {
  out->clear();
  size_t j = *i + 1;
  for (; j < text.size() && text[j] != '"'; ++j) {
    if (text[j] == '\\') {
      if (++j >= text.size()) return false;
      char c = text[j];
      *out += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
      if (c == 'u') j += 4;
      continue;
    }
    *out += text[j];
  }
  if (j >= text.size()) return false;
  *i = j + 1;
  return true;
}

// Reads a message, key or value (JSON-quoted or raw up to any of `stops`).
bool ReadItem(const std::string& text, size_t* i, const std::string& stops, std::string* out,
              std::string* why) {
  if (*i < text.size() && text[*i] == '"') {
    if (!ReadJsonString(text, i, out)) {
      *why = "unterminated JSON string";
      return false;
    }
    if (!NeedsJson(*out)) {
      *why = "\"" + *out + "\" is JSON-quoted but needs no quoting";
      return false;
    }
    return true;
  }
  size_t j = text.find_first_of(stops, *i);
  if (j == std::string::npos) {
    *why = "unterminated item";
    return false;
  }
  *out = text.substr(*i, j - *i);
  if (NeedsJson(*out)) {
    *why = "\"" + *out + "\" must be JSON-quoted";
    return false;
  }
  *i = j;
  return true;
}

struct CatalogEntry {
  std::regex re;
  std::string level;  // empty: any
  std::string file;   // base name, empty: any
};

std::string EscapeRegex(const std::string& s) {
  static const std::string kSpecial = R"(\^$.|?*+()[]{})";
  std::string out;
  for (char c : s) {
    if (kSpecial.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

// Catalog messages ({..} placeholders become wildcards) and real sample messages (digit runs
// become wildcards), by component.
const std::vector<CatalogEntry>& Messages(Server server) {
  static std::vector<CatalogEntry>* cache[2] = {nullptr, nullptr};
  int idx = server == Server::kTikv ? 0 : 1;
  if (cache[idx] != nullptr) return *cache[idx];
  cache[idx] = new std::vector<CatalogEntry>();
  std::vector<CatalogEntry>& out = *cache[idx];
  std::string catalog = ReadSharedData("logs/message-catalog.v8.5.7.tsv");
  bool header = true;
  for (absl::string_view row : absl::StrSplit(catalog, '\n', absl::SkipEmpty())) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> cols = absl::StrSplit(row, '\t');
    if (cols.size() < 4 || cols[1].empty() || cols[1][0] == '(') continue;  // error texts
    bool pd = cols[0] == "pd";
    if (pd != (server == Server::kPd)) continue;
    std::string re;
    static const std::regex placeholder(R"(\{[^}]*\})");
    std::string msg = cols[3];
    std::sregex_token_iterator it(msg.begin(), msg.end(), placeholder, {-1, 0});
    for (bool literal = true; it != std::sregex_token_iterator(); ++it, literal = !literal) {
      re += literal ? EscapeRegex(*it) : std::string(".+?");
    }
    std::string file = cols[2];
    size_t slash = file.find_last_of("/ ");
    if (slash != std::string::npos) file = file.substr(slash + 1);
    file = file.substr(0, file.find_first_of(":)"));
    out.push_back({std::regex("^" + re + "$"), cols[1], file});
  }
  for (const char* f : {"logs/tikv-add-learner-snapshot-v7.5.leader-store3.log",
                        "logs/tikv-add-learner-snapshot-v7.5.learner-store166543141.log",
                        "logs/pd-tikv-cluster-id-v3.log"}) {
    static const std::regex line_re(
        R"(^\[[^\]]+\] \[([A-Z]+)\] \[([^\]:]+):\d+\] \[("(?:[^"\\]|\\.)*"|[^\]]*)\])");
    std::istringstream in(ReadSharedData(f));
    std::string line;
    while (std::getline(in, line)) {
      std::smatch m;
      if (!std::regex_search(line, m, line_re)) continue;
      bool pd = absl::EndsWith(m[2].str(), ".go");
      if (pd != (server == Server::kPd)) continue;
      std::string msg = m[3].str();
      size_t i = 0;
      if (!msg.empty() && msg[0] == '"') ReadJsonString(m[3].str(), &i, &msg);
      std::string re = std::regex_replace(EscapeRegex(msg), std::regex("[0-9]+"), "[0-9]+");
      out.push_back({std::regex("^" + re + "$"), m[1].str(), ""});
    }
  }
  return out;
}

}  // namespace

std::string ReadSharedData(const std::string& relative_path) {
  std::ifstream in(std::string(OPS_SHARED_DATA_DIR) + "/" + relative_path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> CheckMetricsBody(const std::string& body, Server server) {
  std::vector<std::string> errors;
  CheckRawText(body, server, &errors);
  auto families = prom::ParseFamilies(body);
  if (!families.ok()) {
    errors.push_back(absl::StrCat("libs/prom cannot parse it: ", families.status().ToString()));
    return errors;
  }
  CheckAgainstReference(*families, server, &errors);
  return errors;
}

std::vector<std::string> CheckLogText(const std::string& text, Server server) {
  static const std::regex header(
      R"(^\[\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [+-]\d{2}:\d{2}\] )"
      R"(\[(INFO|WARN|ERROR|DEBUG|FATAL)\] \[([^\]]+):(\d+)\] )");
  std::vector<std::string> errors;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto err = [&](const std::string& what) {
      errors.push_back(absl::StrCat("line ", n, ": ", what, ": ", line));
    };
    std::smatch m;
    if (!std::regex_search(line, m, header)) {
      err("not the unified log format");
      continue;
    }
    std::string level = m[1].str(), file = m[2].str();
    if (!absl::EndsWith(file, server == Server::kTikv ? ".rs" : ".go")) {
      err("source file of the wrong language");
    }
    size_t i = m.length(0);
    std::string msg, why;
    if (i >= line.size() || line[i] != '[') {
      err("no message item");
      continue;
    }
    ++i;
    if (!ReadItem(line, &i, "]", &msg, &why) || i >= line.size() || line[i] != ']') {
      err("bad message: " + (why.empty() ? "missing ]" : why));
      continue;
    }
    ++i;
    bool fields_ok = true;
    while (i < line.size()) {
      std::string key, value;
      if (line.compare(i, 2, " [") != 0) {
        why = "fields must be \" [key=value]\"";
        fields_ok = false;
        break;
      }
      i += 2;
      if (!ReadItem(line, &i, "=", &key, &why) || i >= line.size() || line[i] != '=') {
        fields_ok = false;
        break;
      }
      ++i;
      if (!ReadItem(line, &i, "]", &value, &why) || i >= line.size() || line[i] != ']') {
        fields_ok = false;
        break;
      }
      ++i;
    }
    if (!fields_ok) {
      err("bad field: " + why);
      continue;
    }
    bool known = false;
    for (const CatalogEntry& e : Messages(server)) {
      if (!std::regex_match(msg, e.re)) continue;
      known = true;
      if (!e.level.empty() && e.level != level) {
        err(absl::StrCat("message \"", msg, "\" is ", e.level, " in the real servers"));
      }
      if (!e.file.empty() && e.file != file) {
        err(absl::StrCat("message \"", msg, "\" comes from ", e.file, " in the real servers"));
      }
      break;
    }
    if (!known) err(absl::StrCat("message \"", msg, "\" is in neither the catalog nor a sample"));
  }
  return errors;
}

}  // namespace ops::sim_contract
