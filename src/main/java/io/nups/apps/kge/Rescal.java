package io.nups.apps.kge;

import java.util.Arrays;

/**
 * RESCAL (Nickel et al. 2011): a relation is a {@code dim × dim} matrix R, stored row-major, and the score is
 * sᵀ R o. NuPS spreads R over {@code dim} keys; nups holds it in one key of {@code 2·dim²} floats.
 */
public final class Rescal implements KgeModel
{
    private final int dim;

    public Rescal(final int dim)
    {
        if (dim < 1)
        {
            throw new IllegalArgumentException("RESCAL needs dim >= 1, got " + dim);
        }
        this.dim = dim;
    }

    @Override
    public String name()
    {
        return "rescal";
    }

    @Override
    public int entityLength()
    {
        return dim;
    }

    @Override
    public int relationLength()
    {
        return dim * dim;
    }

    @Override
    public double score(final float[] s, final int so, final float[] r, final int ro, final float[] o, final int oo)
    {
        double sum = 0;
        for (int i = 0; i < dim; i++)
        {
            final int row = ro + i * dim;
            double rowTimesO = 0;
            for (int j = 0; j < dim; j++)
            {
                rowTimesO += (double)r[row + j] * o[oo + j];
            }
            sum += s[so + i] * rowTimesO;
        }
        return sum;
    }

    @Override
    public void tailQuery(final float[] s, final int so, final float[] r, final int ro, final float[] query)
    {
        Arrays.fill(query, 0, dim, 0f);
        for (int i = 0; i < dim; i++)
        {
            final float si = s[so + i];
            final int row = ro + i * dim;
            for (int j = 0; j < dim; j++)
            {
                query[j] += si * r[row + j];
            }
        }
    }

    @Override
    public void headQuery(final float[] r, final int ro, final float[] o, final int oo, final float[] query)
    {
        for (int i = 0; i < dim; i++)
        {
            final int row = ro + i * dim;
            float sum = 0;
            for (int j = 0; j < dim; j++)
            {
                sum += r[row + j] * o[oo + j];
            }
            query[i] = sum;
        }
    }

    @Override
    public void relationGradient(final float[] s, final int so, final float[] o, final int oo, final float[] gradient)
    {
        for (int i = 0; i < dim; i++)
        {
            final float si = s[so + i];
            final int row = i * dim;
            for (int j = 0; j < dim; j++)
            {
                gradient[row + j] = si * o[oo + j];
            }
        }
    }
}
