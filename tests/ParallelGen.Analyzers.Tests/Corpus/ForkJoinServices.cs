// Regression corpus: loading independent parts of a result in parallel (the Parallel.Invoke idiom in application code).
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Corpus.ForkJoinServices;

public sealed record Customer(int Id, string Name);
public sealed record Invoice(int Id, int CustomerId, decimal Total);

public interface IRepository
{
    IReadOnlyList<Customer> Customers();

    IReadOnlyList<Invoice> Invoices();

    IReadOnlyDictionary<int, string> Regions();
}

public sealed class DashboardBuilder
{
    private readonly IRepository _repository;
    private IReadOnlyList<Customer> _customers = [];
    private IReadOnlyList<Invoice> _invoices = [];
    private IReadOnlyDictionary<int, string> _regions = new Dictionary<int, string>();
    private readonly Dictionary<string, object> _cache = new(StringComparer.Ordinal);

    public DashboardBuilder(IRepository repository) => _repository = repository;

    /// <summary>Each action fills its own field; the fields are read after the join.</summary>
    public string Build()
    {
        Parallel.Invoke(
            () => _customers = _repository.Customers(),
            () => _invoices = _repository.Invoices(),
            LoadRegions);
        return $"{_customers.Count} customers, {_invoices.Count} invoices, {_regions.Count} regions";
    }

    private void LoadRegions() => _regions = _repository.Regions();

    /// <summary>Per-action result objects, combined after the join.</summary>
    public (decimal Revenue, int Active) Summary()
    {
        var revenue = new Totals();
        var active = new Totals();
        Parallel.Invoke(
            () => revenue.AddAll(_invoices.Select(i => i.Total)),
            () => active.AddAll(_invoices.Select(i => i.CustomerId).Distinct().Select(_ => 1m)));
        return (revenue.Sum, (int)active.Sum);
    }

    /// <summary>A real bug: two actions write the same plain dictionary.</summary>
    public void Prime()
    {
        Parallel.Invoke(
            () => _cache["customers"] = _repository.Customers(),   // expect: PG0004
            () => _cache["invoices"] = _repository.Invoices());    // expect: PG0004
    }

    /// <summary>A real bug: the same refresh delegate passed twice, so it runs concurrently with itself.</summary>
    public int Refresh()
    {
        int refreshed = 0;
        Action refresh = () => { _customers = _repository.Customers(); refreshed++; };   // expect: PG0003, PG0003
        Parallel.Invoke(refresh, refresh);
        return refreshed;
    }
}

public sealed class Totals
{
    private decimal _sum;

    public decimal Sum => _sum;

    public void AddAll(IEnumerable<decimal> values)
    {
        foreach (decimal v in values)
        {
            _sum += v;
        }
    }
}
