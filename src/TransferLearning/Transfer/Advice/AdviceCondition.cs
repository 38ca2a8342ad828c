namespace TransferLearning.Transfer;

/// <summary>One of the source text's three conditions for transfer, with its verdict and the reason behind it.</summary>
public sealed class AdviceCondition
{
    /// <summary>Gets the condition, such as "(a) same input x".</summary>
    public required string Name { get; init; }

    /// <summary>Gets whether it holds; <see langword="null"/> (the default) when it could not be checked.</summary>
    public bool? Holds { get; init; }

    /// <summary>Gets the reason for the verdict: its code, the number behind it and the threshold it was held to.</summary>
    public required DecisionReason Reason { get; init; }

    /// <summary>Gets the numbers behind the verdict, in words (<see cref="Reason"/>'s text).</summary>
    public string Evidence => Reason.Text;

    /// <inheritdoc />
    public override string ToString() => $"{(Holds switch { true => "[yes]", false => "[no] ", null => "[?]  " })} {Name}: {Evidence}";
}
