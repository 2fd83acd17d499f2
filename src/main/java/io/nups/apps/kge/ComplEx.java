package io.nups.apps.kge;

/**
 * ComplEx (Trouillon et al. 2016) as NuPS stores it: an embedding of {@code dim} floats is {@code dim/2} complex
 * numbers, the real parts first, then the imaginary parts; the score is Re⟨r, s, conj(o)⟩.
 */
public final class ComplEx implements KgeModel
{
    private final int dim;
    private final int half;

    /** @param dim floats per embedding (even; the paper's "dim 500" is 250 complex numbers) */
    public ComplEx(final int dim)
    {
        if (dim < 2 || dim % 2 != 0)
        {
            throw new IllegalArgumentException("ComplEx needs an even dim >= 2 (real and imaginary halves), got " +
                dim);
        }
        this.dim = dim;
        this.half = dim / 2;
    }

    @Override
    public String name()
    {
        return "complex";
    }

    @Override
    public int entityLength()
    {
        return dim;
    }

    @Override
    public int relationLength()
    {
        return dim;
    }

    @Override
    public double score(final float[] s, final int so, final float[] r, final int ro, final float[] o, final int oo)
    {
        double sum = 0;
        for (int i = 0; i < half; i++)
        {
            final double sRe = s[so + i];
            final double sIm = s[so + half + i];
            final double rRe = r[ro + i];
            final double rIm = r[ro + half + i];
            final double oRe = o[oo + i];
            final double oIm = o[oo + half + i];
            sum += rRe * (sRe * oRe + sIm * oIm) + rIm * (sRe * oIm - sIm * oRe);
        }
        return sum;
    }

    @Override
    public void tailQuery(final float[] s, final int so, final float[] r, final int ro, final float[] query)
    {
        for (int i = 0; i < half; i++)
        {
            final float sRe = s[so + i];
            final float sIm = s[so + half + i];
            final float rRe = r[ro + i];
            final float rIm = r[ro + half + i];
            query[i] = rRe * sRe - rIm * sIm;
            query[half + i] = rRe * sIm + rIm * sRe;
        }
    }

    @Override
    public void headQuery(final float[] r, final int ro, final float[] o, final int oo, final float[] query)
    {
        for (int i = 0; i < half; i++)
        {
            final float rRe = r[ro + i];
            final float rIm = r[ro + half + i];
            final float oRe = o[oo + i];
            final float oIm = o[oo + half + i];
            query[i] = rRe * oRe + rIm * oIm;
            query[half + i] = rRe * oIm - rIm * oRe;
        }
    }

    @Override
    public void relationGradient(final float[] s, final int so, final float[] o, final int oo, final float[] gradient)
    {
        for (int i = 0; i < half; i++)
        {
            final float sRe = s[so + i];
            final float sIm = s[so + half + i];
            final float oRe = o[oo + i];
            final float oIm = o[oo + half + i];
            gradient[i] = sRe * oRe + sIm * oIm;
            gradient[half + i] = sRe * oIm - sIm * oRe;
        }
    }
}
