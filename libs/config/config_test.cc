#include "libs/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "libs/status/status_matchers.h"

ABSL_FLAG(int32_t, cfgtest_port, 8080, "Port for the config test.");
ABSL_FLAG(std::string, cfgtest_name, "default-name", "A string flag.");
ABSL_FLAG(std::vector<std::string>, cfgtest_endpoints, {}, "A list flag.");
ABSL_FLAG(bool, cfgtest_verbose, false, "A bool flag.");
ABSL_FLAG(std::string, cfgtest_api_token_file, "", "File holding the cfgtest_api_token secret.");

namespace ops::config {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class ConfigTest : public ::testing::Test {
 protected:
  // Runs Init with `args` (program name prepended) and the fake environment.
  absl::StatusOr<std::vector<char*>> Run(std::vector<std::string> args,
                                         std::vector<std::string> secrets = {}) {
    args_ = std::move(args);
    args_.insert(args_.begin(), "config_test");
    argv_.clear();
    for (std::string& a : args_) argv_.push_back(a.data());
    Options options;
    options.usage = "config test";
    options.secrets = std::move(secrets);
    options.secrets.push_back("cfgtest_api_token");
    options.env = [this](absl::string_view name) -> std::optional<std::string> {
      auto it = env_.find(std::string(name));
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    return Init(static_cast<int>(argv_.size()), argv_.data(), options);
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    std::string path = ::testing::TempDir() + "/" + name;
    std::ofstream(path, std::ios::trunc) << content;
    return path;
  }

  const EffectiveValue* Find(const std::vector<EffectiveValue>& values, absl::string_view name) {
    for (const EffectiveValue& v : values) {
      if (v.name == name) return &v;
    }
    return nullptr;
  }

  absl::FlagSaver saver_;  // restores every flag after the test
  std::map<std::string, std::string> env_;
  std::vector<std::string> args_;
  std::vector<char*> argv_;
};

TEST_F(ConfigTest, EnvNameUpperCasesWithPrefix) {
  EXPECT_EQ(EnvName("pd_endpoints", "OPS_"), "OPS_PD_ENDPOINTS");
  EXPECT_EQ(EnvName("log-level", "TIKV_"), "TIKV_LOG_LEVEL");
}

TEST_F(ConfigTest, DefaultsWhenNothingIsSet) {
  ASSERT_OK_AND_ASSIGN(auto positional, Run({"pos1"}));
  ASSERT_EQ(positional.size(), 2u);
  EXPECT_STREQ(positional[1], "pos1");
  EXPECT_EQ(absl::GetFlag(FLAGS_cfgtest_port), 8080);
  const auto values = EffectiveConfig();
  const EffectiveValue* port = Find(values, "cfgtest_port");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->source, Source::kDefault);
  EXPECT_EQ(Find(values, "help"), nullptr) << "absl's own flags are not described";
}

TEST_F(ConfigTest, CommandLineBeatsEnvBeatsFileBeatsDefault) {
  std::string path = WriteFile("precedence.yaml",
                               "cfgtest_port: 1\ncfgtest_name: from-file\ncfgtest_verbose: true\n");
  env_["OPS_CFGTEST_PORT"] = "2";
  env_["OPS_CFGTEST_NAME"] = "from-env";
  ASSERT_THAT(Run({"--config=" + path, "--cfgtest_port=3"}), IsOk());
  EXPECT_EQ(absl::GetFlag(FLAGS_cfgtest_port), 3);
  EXPECT_EQ(absl::GetFlag(FLAGS_cfgtest_name), "from-env");
  EXPECT_TRUE(absl::GetFlag(FLAGS_cfgtest_verbose));
  EXPECT_TRUE(absl::GetFlag(FLAGS_cfgtest_endpoints).empty());

  const auto values = EffectiveConfig();
  EXPECT_EQ(Find(values, "cfgtest_port")->source, Source::kCommandLine);
  EXPECT_EQ(Find(values, "cfgtest_name")->source, Source::kEnvironment);
  EXPECT_EQ(Find(values, "cfgtest_name")->origin, "OPS_CFGTEST_NAME");
  EXPECT_EQ(Find(values, "cfgtest_verbose")->source, Source::kConfigFile);
  EXPECT_EQ(Find(values, "cfgtest_verbose")->origin, path + ":3");
  EXPECT_EQ(Find(values, "cfgtest_endpoints")->source, Source::kDefault);
  std::string described = Describe();
  EXPECT_THAT(described, HasSubstr("cfgtest_port=3 (flag --cfgtest_port)"));
  EXPECT_THAT(described, HasSubstr("cfgtest_name=from-env (env OPS_CFGTEST_NAME)"));
  EXPECT_THAT(described, HasSubstr("cfgtest_verbose=true (file " + path + ":3)"));
}

TEST_F(ConfigTest, NegatedBoolOnCommandLineWinsOverEnv) {
  env_["OPS_CFGTEST_VERBOSE"] = "true";
  ASSERT_THAT(Run({"--nocfgtest_verbose"}), IsOk());
  EXPECT_FALSE(absl::GetFlag(FLAGS_cfgtest_verbose));
}

TEST_F(ConfigTest, SeparateValueArgumentCountsAsCommandLine) {
  env_["OPS_CFGTEST_NAME"] = "from-env";
  ASSERT_THAT(Run({"--cfgtest_name", "from-flag"}), IsOk());
  EXPECT_EQ(absl::GetFlag(FLAGS_cfgtest_name), "from-flag");
}

TEST_F(ConfigTest, ConfigFileFromEnvAndJsonLists) {
  std::string path = WriteFile("from_env.json",
                               R"({"cfgtest_endpoints": ["http://a:1", "http://b:2"],
                                   "cfgtest_port": 7})");
  env_["OPS_CONFIG"] = path;
  ASSERT_THAT(Run({}), IsOk());
  EXPECT_THAT(absl::GetFlag(FLAGS_cfgtest_endpoints), ElementsAre("http://a:1", "http://b:2"));
  EXPECT_EQ(absl::GetFlag(FLAGS_cfgtest_port), 7);
  EXPECT_EQ(Find(EffectiveConfig(), "config")->source, Source::kEnvironment);
}

TEST_F(ConfigTest, YamlBlockListFillsListFlag) {
  std::string path = WriteFile("list.yaml", "cfgtest_endpoints:\n  - x:1\n  - 'y:2'\n");
  ASSERT_THAT(Run({"--config", path}), IsOk());
  EXPECT_THAT(absl::GetFlag(FLAGS_cfgtest_endpoints), ElementsAre("x:1", "y:2"));
}

TEST_F(ConfigTest, UnknownKeySuggestsClosestFlag) {
  std::string path = WriteFile("unknown.yaml", "cfgtest_port: 1\ncfgtest_prot: 2\n");
  EXPECT_THAT(Run({"--config=" + path}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(path + ":2: unknown key \"cfgtest_prot\" (did you mean "
                                        "\"cfgtest_port\"?)")));
  std::string far = WriteFile("far.yaml", "zzzzzzzzzz: 1\n");
  EXPECT_THAT(Run({"--config=" + far}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("unknown key \"zzzzzzzzzz\""),
                                        Not(HasSubstr("did you mean")))));
}

TEST_F(ConfigTest, AbslBuiltinFlagsAreNotConfigKeys) {
  std::string path = WriteFile("builtin.yaml", "flagfile: /etc/x\n");
  EXPECT_THAT(Run({"--config=" + path}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown key \"flagfile\"")));
}

TEST_F(ConfigTest, BadTypeInFileNamesFileLineAndFlag) {
  std::string path = WriteFile("badtype.yaml", "# ports\ncfgtest_port: abc\n");
  EXPECT_THAT(Run({"--config=" + path}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(path + ":2: invalid value \"abc\" for flag --cfgtest_port")));
}

TEST_F(ConfigTest, BadTypeInEnvNamesVariable) {
  env_["OPS_CFGTEST_PORT"] = "12x";
  EXPECT_THAT(Run({}), StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("env OPS_CFGTEST_PORT: invalid value \"12x\" for flag "
                                          "--cfgtest_port")));
}

TEST_F(ConfigTest, MalformedFilesReportLine) {
  std::string yaml = WriteFile("malformed.yaml", "cfgtest_port: 1\nnested:\n  a: b\n");
  EXPECT_THAT(Run({"--config=" + yaml}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(yaml + ":3:")));
  std::string json = WriteFile("malformed.json", "{\n\"cfgtest_port\": 1\n\"x\": 2}");
  EXPECT_THAT(Run({"--config=" + json}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(json + ":3: invalid JSON")));
}

TEST_F(ConfigTest, MissingConfigFileIsNotFound) {
  EXPECT_THAT(Run({"--config=/nonexistent/operator.yaml"}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/operator.yaml")));
}

TEST_F(ConfigTest, SecretFromEnvIsRedactedEverywhere) {
  env_["OPS_CFGTEST_API_TOKEN"] = "s3cr3t-value";
  ASSERT_THAT(Run({}), IsOk());
  ASSERT_OK_AND_ASSIGN(Secret secret, LoadSecret("cfgtest_api_token"));
  EXPECT_EQ(secret.Reveal(), "s3cr3t-value");
  EXPECT_EQ(secret.ToString(), "[redacted]");
  std::ostringstream os;
  os << secret;
  EXPECT_EQ(os.str(), "[redacted]");
  std::string described = Describe();
  EXPECT_THAT(described, HasSubstr("cfgtest_api_token=[redacted] (env OPS_CFGTEST_API_TOKEN)"));
  EXPECT_THAT(described, Not(HasSubstr("s3cr3t")));
}

TEST_F(ConfigTest, SecretFromFileNamedByEnvTrimsNewline) {
  env_["OPS_CFGTEST_API_TOKEN_FILE"] = WriteFile("token.txt", "file-secret\n");
  ASSERT_THAT(Run({}), IsOk());
  ASSERT_OK_AND_ASSIGN(Secret secret, LoadSecret("cfgtest_api_token"));
  EXPECT_EQ(secret.Reveal(), "file-secret");
  EXPECT_THAT(Describe(), Not(HasSubstr("file-secret")));
}

TEST_F(ConfigTest, SecretFileFlagOnCommandLineWinsOverEnv) {
  env_["OPS_CFGTEST_API_TOKEN"] = "env-secret";
  std::string path = WriteFile("token2.txt", "flag-secret\r\n");
  ASSERT_THAT(Run({"--cfgtest_api_token_file=" + path}), IsOk());
  ASSERT_OK_AND_ASSIGN(Secret secret, LoadSecret("cfgtest_api_token"));
  EXPECT_EQ(secret.Reveal(), "flag-secret");
}

TEST_F(ConfigTest, SecretErrors) {
  ASSERT_THAT(Run({}), IsOk());
  EXPECT_THAT(LoadSecret("cfgtest_api_token"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("set env OPS_CFGTEST_API_TOKEN or OPS_CFGTEST_API_TOKEN_FILE "
                                 "or flag --cfgtest_api_token_file")));
  env_["OPS_CFGTEST_API_TOKEN_FILE"] = WriteFile("empty_token.txt", "\n");
  ASSERT_THAT(Run({}), IsOk());
  EXPECT_THAT(LoadSecret("cfgtest_api_token"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is empty")));
  env_["OPS_CFGTEST_API_TOKEN_FILE"] = "/nonexistent/token";
  ASSERT_THAT(Run({}), IsOk());
  EXPECT_THAT(LoadSecret("cfgtest_api_token"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ConfigTest, SecretInConfigFileIsRejected) {
  std::string declared = WriteFile("secret.yaml", "cfgtest_port: 1\ncfgtest_api_token: abc\n");
  auto result = Run({"--config=" + declared});
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr(declared + ":2: \"cfgtest_api_token\" is a secret")));
  EXPECT_THAT(result.status().message(), HasSubstr("OPS_CFGTEST_API_TOKEN"));
  EXPECT_THAT(result.status().message(), Not(HasSubstr("abc")));
  std::string looks = WriteFile("password.json", R"({"db_password": "hunter2"})");
  EXPECT_THAT(Run({"--config=" + looks}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("\"db_password\" is a secret"),
                                        HasSubstr("OPS_DB_PASSWORD"), Not(HasSubstr("hunter2")))));
}

TEST_F(ConfigTest, SecretFilePathMayComeFromConfigFile) {
  std::string token = WriteFile("token3.txt", "from-config-path");
  std::string path = WriteFile("token_path.yaml", "cfgtest_api_token_file: " + token + "\n");
  ASSERT_THAT(Run({"--config=" + path}), IsOk());
  ASSERT_OK_AND_ASSIGN(Secret secret, LoadSecret("cfgtest_api_token"));
  EXPECT_EQ(secret.Reveal(), "from-config-path");
}

TEST(ClosestMatchTest, FindsNearOnly) {
  EXPECT_EQ(ClosestMatch("pd_endpoint", {"pd_endpoints", "port"}), "pd_endpoints");
  EXPECT_EQ(ClosestMatch("xyz", {"pd_endpoints", "port"}), "");
}

}  // namespace
}  // namespace ops::config
