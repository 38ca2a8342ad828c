namespace TransferLearning.Transfer;

/// <summary>One of the source text's three conditions for transfer, with its evidence.</summary>
/// <param name="Name">The condition, such as "(a) same input x".</param>
/// <param name="Holds">Whether it holds; <see langword="null"/> when it could not be checked.</param>
/// <param name="Evidence">The numbers behind the verdict, in words.</param>
public sealed record AdviceCondition(string Name, bool? Holds, string Evidence)
{
    /// <inheritdoc />
    public override string ToString() => $"{(Holds switch { true => "[yes]", false => "[no] ", null => "[?]  " })} {Name}: {Evidence}";
}
