using Amazon.Runtime;
using TbPowerShell.Core.Storage;
using TbPowerShell.Storage.S3;

namespace TbPowerShell.Storage.Tests.S3;

/// <summary>How the provider resolves endpoint, region, addressing and retries from settings and an environment (given, not the process's).</summary>
public sealed class S3ConnectionTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void The_settings_endpoint_wins_over_the_environment_and_turns_path_style_on()
    {
        var c = S3Connection.Resolve(new StoreSettings { Endpoint = new Uri("http://minio:9000") },
            Environment(("AWS_ENDPOINT_URL_S3", "http://other:1"), ("AWS_ENDPOINT_URL", "http://other:2"), ("AWS_REGION", "eu-west-1")));
        Assert.Equal(new Uri("http://minio:9000"), c.Endpoint);
        Assert.Equal("settings", c.EndpointSource);
        Assert.True(c.ForcePathStyle);
        Assert.Equal("eu-west-1", c.Region);
    }

    [Fact]
    public void AWS_ENDPOINT_URL_S3_wins_over_AWS_ENDPOINT_URL()
    {
        var both = S3Connection.Resolve(StoreSettings.Default,
            Environment(("AWS_ENDPOINT_URL_S3", "http://s3-only:9000"), ("AWS_ENDPOINT_URL", "http://every-service:4566"), ("AWS_REGION", "us-west-2")));
        Assert.Equal(new Uri("http://s3-only:9000"), both.Endpoint);
        Assert.Equal("AWS_ENDPOINT_URL_S3", both.EndpointSource);

        var global = S3Connection.Resolve(StoreSettings.Default, Environment(("AWS_ENDPOINT_URL", "http://every-service:4566"), ("AWS_REGION", "us-west-2")));
        Assert.Equal(new Uri("http://every-service:4566"), global.Endpoint);
        Assert.Equal("AWS_ENDPOINT_URL", global.EndpointSource);
        Assert.True(global.ForcePathStyle);
    }

    [Fact]
    public void Without_an_override_it_is_AWS_with_virtual_host_addressing_in_the_environment_region()
    {
        var c = S3Connection.Resolve(StoreSettings.Default, Environment(("AWS_REGION", "ap-southeast-2")));
        Assert.Null(c.Endpoint);
        Assert.False(c.ForcePathStyle);
        Assert.Equal("ap-southeast-2", c.Region);
        Assert.Equal("AWS S3 (ap-southeast-2)", c.Describe());
        var config = c.ClientConfig();
        Assert.Equal("ap-southeast-2", config.RegionEndpoint.SystemName);
        Assert.False(config.ForcePathStyle);
    }

    [Fact]
    public void Explicit_settings_for_path_style_and_region_are_kept()
    {
        var c = S3Connection.Resolve(new StoreSettings { Endpoint = new Uri("https://s3.example.com"), ForcePathStyle = false, Region = "eu-central-1" },
            Environment(("AWS_REGION", "us-east-2")));
        Assert.False(c.ForcePathStyle);
        Assert.Equal("eu-central-1", c.Region);
        var config = c.ClientConfig();
        Assert.Equal("eu-central-1", config.AuthenticationRegion);
        Assert.StartsWith("https://s3.example.com", config.ServiceURL);
    }

    [Fact]
    public void AWS_IGNORE_CONFIGURED_ENDPOINT_URLS_makes_the_endpoint_variables_ignored()
    {
        var c = S3Connection.Resolve(StoreSettings.Default,
            Environment(("AWS_ENDPOINT_URL", "http://every-service:4566"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"), ("AWS_REGION", "us-east-1")));
        Assert.Null(c.Endpoint);
    }

    [Fact]
    public void An_endpoint_variable_that_is_not_a_URL_is_an_error_naming_it()
    {
        var e = Assert.Throws<StoreException>(() => S3Connection.Resolve(StoreSettings.Default, Environment(("AWS_ENDPOINT_URL_S3", "localhost:9000"))));
        Assert.Contains("AWS_ENDPOINT_URL_S3", e.Message);
    }

    [Fact]
    public void Retries_are_the_standard_mode_with_three_retries_unless_AWS_MAX_ATTEMPTS_says_otherwise()
    {
        var standard = S3Connection.Resolve(new StoreSettings { Endpoint = new Uri("http://127.0.0.1:1") }, Environment());
        var config = standard.ClientConfig();
        Assert.Equal(RequestRetryMode.Standard, config.RetryMode);
        Assert.Equal(3, config.MaxErrorRetry);
        Assert.Equal(4, standard.Attempts);
        Assert.Equal(S3Connection.ConnectTimeout, config.ConnectTimeout);
        Assert.Equal(S3Connection.RequestTimeout, config.Timeout);

        var five = S3Connection.Resolve(new StoreSettings { Endpoint = new Uri("http://127.0.0.1:1") }, Environment(("AWS_MAX_ATTEMPTS", "5")));
        Assert.Equal(5, five.Attempts);
        Assert.Equal(4, five.ClientConfig().MaxErrorRetry);
    }
}
