using TransferLearning.Networks;

namespace TransferLearning.Tests.Networks;

public class ActivationIdentityTests
{
    public static TheoryData<string, string, string[], float[]> Identities => new()
    {
        { "Identity", "Identity", [], [] },
        { "ReLU", "ReLU", [], [] },
        { "LeakyReLU", "LeakyReLU(0.2)", ["slope"], [0.2f] },
        { "Sigmoid", "Sigmoid", [], [] },
        { "Tanh", "Tanh", [], [] },
        { "Softmax", "Softmax", [], [] },
    };

    [Theory]
    [MemberData(nameof(Identities))]
    public void KindAndSettings_EveryActivation_NameTheFunctionAndParseBackToIt(string kind, string name, string[] settingNames, float[] settingValues)
    {
        var activation = Of(kind);

        activation.Kind.Should().Be(kind);
        activation.Settings.Keys.Should().Equal(settingNames);
        activation.Settings.Values.Should().Equal(settingValues);
        activation.Name.Should().Be(name);
        var parsed = Activation.Parse(activation.Name);
        parsed.Should().NotBeNull();
        parsed!.Kind.Should().Be(kind);
        parsed.Settings.Should().Equal(activation.Settings);
    }

    [Theory]
    [InlineData("LeakyReLU(1)")]
    [InlineData("LeakyReLU(-0.1)")]
    [InlineData("LeakyReLU")]
    [InlineData("ReLU(0.1)")]
    [InlineData("Swish")]
    [InlineData("LeakyReLU(0.1")]
    public void Parse_NoSuchActivation_ReturnsNull(string name) => Activation.Parse(name).Should().BeNull();

    [Fact]
    public void Name_LeakyReLUSlopes_ReadBackBitForBit()
    {
        foreach (float slope in new[] { 0.01f, 0.1f, 1f / 3, 0.999999f, float.Epsilon })
        {
            var parsed = Activation.Parse(Activation.LeakyReLU(slope).Name);
            BitConverter.SingleToInt32Bits(parsed!.Settings["slope"]).Should().Be(BitConverter.SingleToInt32Bits(slope));
        }
    }

    [Fact]
    public void Equals_SameKindAndSettings_IsEqualElseNot()
    {
        Activation.LeakyReLU(0.1f).Should().Be(Activation.LeakyReLU(0.1f));
        Activation.LeakyReLU(0.1f).GetHashCode().Should().Be(Activation.LeakyReLU(0.1f).GetHashCode());
        Activation.LeakyReLU(0.1f).Should().NotBe(Activation.LeakyReLU(0.2f));
        Activation.LeakyReLU(0f).Should().Be(Activation.ReLU, "a leaky ReLU of slope 0 is the ReLU");
        Activation.Sigmoid.Should().NotBe(Activation.Tanh);
        LayerSpec.Dense(3, Activation.LeakyReLU(0.3f)).Should().Be(LayerSpec.Dense(3, Activation.LeakyReLU(0.3f)), "specs of equal activations are equal");
    }

    private static Activation Of(string kind) => kind switch
    {
        "Identity" => Activation.Identity,
        "ReLU" => Activation.ReLU,
        "LeakyReLU" => Activation.LeakyReLU(0.2f),
        "Sigmoid" => Activation.Sigmoid,
        "Tanh" => Activation.Tanh,
        _ => Activation.Softmax,
    };
}
